; Inno Setup 6 script of the Windows installer of 政务公开年报助手.
;
; Built by .github/workflows/release.yml after packaging/build.py has made packaging\dist\nianbao\:
;     iscc /DAppVersion=0.1.0 packaging\nianbao.iss        (the version comes from pyproject.toml)
; which writes packaging\dist\nianbao-<version>-windows-x64-setup.exe.
;
; The file is UTF-8 with a byte-order mark. Inno Setup 6.3 and later read UTF-8 without it too; compilers before
; 6.3 read a file without the mark in the system code page, and the Chinese names would come out garbled.
;
; Chinese wizard: ChineseSimplified.isl is an unofficial translation that Inno Setup does not install; the
; workflow downloads it next to this script from the Inno Setup source repository at a fixed commit (see
; release.yml) — it is not kept in this repository.
;
; What it does, and why:
;   - installs for the current user only, no administrator rights (PrivilegesRequired=lowest): office PCs seldom
;     give users those rights; the program goes to %LOCALAPPDATA%\Programs\nianbao;
;   - Windows 10 1809 (10.0.17763) or later, 64-bit: what Qt 6 supports;
;   - a Start-menu shortcut, and a desktop shortcut when the user ticks it;
;   - an uninstaller (Windows 设置 → 应用), which removes the program but never the user's drafts, settings or
;     recovery files (they live in 文档 and %LOCALAPPDATA%, not in the program's folder);
;   - "打开方式" for .json drafts: the program is offered in Explorer's 打开方式 list of .json files, but .json
;     stays with whatever program opened it before (drafts are plain .json, which many programs use).

#define AppName "政务公开年报助手"
#define AppExe "nianbao.exe"
#define BundleDir "dist\nianbao"
#define DraftProgId "nianbao.draft"
#ifndef AppVersion
  #error AppVersion is given by the build: iscc /DAppVersion=X.Y.Z packaging\nianbao.iss
#endif

[Setup]
; the same AppId in every version: a new version installs over the old one
AppId={{5E0C3D0B-3E4B-4C59-9A3C-6D2A1F0B7C11}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=政务公开年报助手项目
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} 安装程序
PrivilegesRequired=lowest
MinVersion=10.0.17763
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
DefaultDirName={localappdata}\Programs\nianbao
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
; the installer's own icon; the program's icon is inside nianbao.exe (nianbao.spec), used by the shortcuts below
SetupIconFile=..\resources\icon.ico
ChangesAssociations=yes
OutputDir=dist
OutputBaseFilename=nianbao-{#AppVersion}-windows-x64-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "chs"; MessagesFile: "ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; HKA is HKEY_CURRENT_USER for a per-user install. A ProgID for drafts, listed under .json's OpenWithProgids:
; Explorer then offers the program under 打开方式 without changing the default program of .json.
Root: HKA; Subkey: "Software\Classes\{#DraftProgId}"; ValueType: string; ValueName: ""; ValueData: "政务公开年报草稿"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#DraftProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#DraftProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.json\OpenWithProgids"; ValueType: none; ValueName: "{#DraftProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".json"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
