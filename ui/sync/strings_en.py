"""English for the 同步 menu, the conflicts dialog and the sync status."""

from __future__ import annotations

CONTEXT = "Sync"

EN: dict[str, str] = {
    "同步": "Sync", "连接服务器…": "Connect to server…", "检出…": "Check out…",
    "冲突…": "Conflicts…", "冲突（%1）…": "Conflicts (%1)…",
    "%n 项修改未同步": ("%n change not synced", "%n changes not synced"),
    "上次同步：": "Last sync: ", "从未": "never",
    "取消": "Cancel", "关闭": "Close", "连接": "Connect", "连接服务器": "Connect to server",
    "服务器地址": "Server address", "密码": "Password", "服务器密码": "Server password",
    "%1 的密码：": "Password for %1:",
    "留空则使用 PGPASSWORD 或 pgpass 文件": "Leave empty to use PGPASSWORD or the pgpass file",
    "记住密码（系统钥匙串）": "Remember the password (system keyring)",
    "系统钥匙串不可用：密码只保存在本次运行的内存中":
        "No system keyring: the password is kept in memory for this session only",
    "密码不会写入工作空间、设置或日志。":
        "The password is never written to the workspace, the settings or a log.",
    "检出": "Check out", "全市": "Whole city", "范围": "Scope", "保存为": "Save as",
    "浏览…": "Browse…", "在新窗口中打开": "Open in a new window",
    "部分修改被服务器拒绝": "Some changes were refused by the server",
    "同步冲突": "Sync conflicts", "排污口编码": "Outfall code", "字段": "Field", "类型": "Kind",
    "基准（上次同步）": "Base (last sync)", "我的": "Mine", "服务器": "Server",
    "值": "Value", "修改人": "Changed by", "时间": "When", "未同步": "not synced",
    "没有待解决的冲突。": "No open conflicts.", "保留我的": "Keep mine",
    "采用服务器的": "Take the server's", "位置": "Position", "整条记录": "Whole record",
    "基准": "Base", "两处位置相距 %1 米": "The two positions are %1 m apart",
    "属性": "Attribute", "服务器上已删除": "Deleted on the server",
    "本机已删除": "Deleted here", "编码重复的新排污口": "New outfall with a code in use",
    "本机已修改": "Changed here", "服务器上已修改": "Changed on the server",
    "本机新增": "Added here",
    "服务器上已有同编码排污口": "The server has an outfall with this code",
}
