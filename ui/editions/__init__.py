"""版本对比: the dialog comparing editions of the control units (issue 18)."""
