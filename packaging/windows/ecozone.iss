; EcoZone 生态环境分区管控一张图 — Inno Setup 6 script (per-user install, no administrator).
;
; Built by packaging\windows\build_windows.ps1, which passes the version and the folder:
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=..\..\dist\EcoZone /O..\..\dist packaging\windows\ecozone.iss
;
; Per-user: PrivilegesRequired=lowest installs into %LOCALAPPDATA%\Programs\EcoZone and
; writes only HKCU, so a locked-down laptop needs no administrator.  Uninstall removes the
; program folder and its registry keys, never the user's data in %LOCALAPPDATA%\EcoZone
; (workspace.gpkg, logs): that is the user's work.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef AppName
  #define AppName "EcoZone"
#endif
#ifndef ExeName
  #define ExeName "EcoZone"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\EcoZone"
#endif
; Simplified Chinese setup texts: shipped with recent Inno Setup 6 releases; older ones need
; ChineseSimplified.isl from jrsoftware.org/files/istrans copied into Languages\ (see
; packaging/README.md).  Without it the installer is built in English only.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define HaveZh
#endif

[Setup]
; Never change AppId: upgrades find the previous installation through it.
AppId={{41B1AEFA-099E-41DB-AA53-E56FD88888BD}
AppName={#AppName} 生态环境分区管控一张图
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=EcoZone
VersionInfoVersion={#AppVersion}
VersionInfoDescription=EcoZone 生态环境分区管控一张图 Setup
; Per-user install, never a UAC prompt ({autoprograms}, {autodesktop} and HKA then mean
; the user's own Start menu, desktop and HKCU).
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
OutputBaseFilename={#AppName}-{#AppVersion}-setup
SetupIconFile=..\icons\ecozone.ico
UninstallDisplayIcon={app}\{#ExeName}.exe
UninstallDisplayName={#AppName} 生态环境分区管控一张图 {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
LZMANumBlockThreads=4
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; Tell Explorer about the optional .gpkg association.
ChangesAssociations=yes
; The running program holds DLLs open: ask to close it instead of failing on upgrade.
CloseApplications=yes
RestartApplications=no

[Languages]
#ifdef HaveZh
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
#ifdef HaveZh
chinesesimplified.AssocGpkg=用 EcoZone 打开 GeoPackage 工作空间 (.gpkg)
chinesesimplified.DesktopIcon=创建桌面快捷方式
chinesesimplified.CliShortcut=EcoZone 命令行
chinesesimplified.LaunchNow=启动 EcoZone
#endif
english.AssocGpkg=Open GeoPackage workspaces (.gpkg) with EcoZone
english.DesktopIcon=Create a desktop shortcut
english.CliShortcut=EcoZone command line
english.LaunchNow=Start EcoZone

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; Flags: unchecked
; Optional and off by default: QGIS users may already open .gpkg files with QGIS.
Name: "assocgpkg"; Description: "{cm:AssocGpkg}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole program folder (stale DLLs from an older Qt or GDAL would
; otherwise be loaded).  {app} holds only the program, never user data.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#ExeName}.exe"; WorkingDir: "{userdocs}"
; The command line (info, query, import, export, screen …) in a console window.
Name: "{autoprograms}\{cm:CliShortcut}"; Filename: "{cmd}"; \
  Parameters: "/k ""cd /d ""{userdocs}"" && ""{app}\ecozone-cli.exe"" --help"""; \
  WorkingDir: "{userdocs}"; IconFilename: "{app}\{#ExeName}.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#ExeName}.exe"; WorkingDir: "{userdocs}"; \
  Tasks: desktopicon

[Registry]
; Optional .gpkg association, per user (HKCU\Software\Classes via HKA in a per-user install).
; EcoZone.Workspace is our ProgID; uninstall removes it and our entry in OpenWithProgids,
; and leaves the .gpkg key itself alone (other programs may use it).
Root: HKA; Subkey: "Software\Classes\.gpkg\OpenWithProgids"; ValueType: string; \
  ValueName: "EcoZone.Workspace"; ValueData: ""; Flags: uninsdeletevalue; Tasks: assocgpkg
Root: HKA; Subkey: "Software\Classes\EcoZone.Workspace"; ValueType: string; ValueName: ""; \
  ValueData: "EcoZone 工作空间 (GeoPackage)"; Flags: uninsdeletekey; Tasks: assocgpkg
Root: HKA; Subkey: "Software\Classes\EcoZone.Workspace\DefaultIcon"; ValueType: string; \
  ValueName: ""; ValueData: "{app}\{#ExeName}.exe,0"; Tasks: assocgpkg
Root: HKA; Subkey: "Software\Classes\EcoZone.Workspace\shell\open\command"; \
  ValueType: string; ValueName: ""; \
  ValueData: """{app}\{#ExeName}.exe"" --workspace ""%1"""; Tasks: assocgpkg
Root: HKA; Subkey: "Software\Classes\Applications\{#ExeName}.exe\SupportedTypes"; \
  ValueType: string; ValueName: ".gpkg"; ValueData: ""; Flags: uninsdeletekey; Tasks: assocgpkg

[Run]
Filename: "{app}\{#ExeName}.exe"; Description: "{cm:LaunchNow}"; \
  Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only files the program itself may leave inside its own folder (Python bytecode caches).
; The user's data folder %LOCALAPPDATA%\EcoZone (workspace, logs) is deliberately kept:
; reinstalling finds the workspace where the user left it.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
Type: dirifempty; Name: "{app}"
