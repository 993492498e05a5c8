// Chinese and English. zh-CN is the default when the browser prefers Chinese.

const STRINGS = {
  "zh-CN": {
    "app.title": "门禁", "lang.switch": "English", "nav.dashboard": "总览", "nav.people": "人员",
    "nav.devices": "设备", "nav.log": "通行记录", "nav.traces": "自动化追踪", "nav.guardian": "我的孩子",
    "logout": "退出", "login.title": "登录", "login.username": "用户名", "login.password": "密码",
    "login.submit": "登录", "login.failed": "登录失败", "loading": "加载中…", "error": "出错了",
    "live.on": "实时连接", "live.off": "正在重连…", "dash.gates": "闸机", "dash.live": "实时通行",
    "dash.none": "暂无通行", "dash.zone": "区域", "dash.actuator": "执行器", "dash.waiting": "待通过",
    "granted": "通过", "denied": "拒绝", "dir.in": "进", "dir.out": "出", "unknown.person": "未知人员",
    "people.title": "人员", "people.search": "搜索姓名或编号", "people.kind": "类型", "people.all": "全部",
    "people.add": "新增人员", "people.name": "姓名", "people.id": "编号", "people.groups": "分组",
    "people.status": "状态", "people.birth": "出生日期", "people.save": "保存", "people.none": "没有人员",
    "kind.student": "学生", "kind.staff": "教职工", "kind.resident": "住户", "kind.visitor": "访客",
    "kind.contractor": "施工人员", "status.active": "正常", "status.suspended": "已停用", "status.left": "已离开",
    "person.suspend": "停用", "person.activate": "恢复", "person.guardians": "监护人",
    "person.addGuardian": "添加监护人", "person.relation": "关系", "person.targets": "通知地址",
    "consent.title": "同意记录", "consent.purpose": "用途", "consent.by": "同意人", "consent.channel": "方式",
    "consent.version": "文本版本", "consent.guardian": "监护人", "consent.grant": "记录同意",
    "consent.withdraw": "撤回", "consent.active": "有效", "consent.withdrawn": "已撤回", "consent.self": "本人",
    "consent.none": "尚无同意记录", "purpose.gate_entry": "人脸通行", "purpose.attendance": "考勤",
    "purpose.guardian_notifications": "监护人通知", "purpose.snapshot": "抓拍留存",
    "cred.title": "凭证", "cred.card": "卡号", "cred.pin": "PIN 码", "cred.qr": "二维码通行证",
    "cred.addCard": "发卡", "cred.setPin": "设置 PIN", "cred.issueQr": "签发二维码", "cred.revoke": "注销",
    "cred.none": "暂无凭证", "cred.token": "二维码内容（只显示一次）",
    "enrol.title": "人脸录入", "enrol.notice": "采集告知", "enrol.needConsent": "需要先记录“人脸通行”同意，才能录入人脸。未同意者可使用卡、二维码或 PIN 通行。",
    "enrol.file": "选择照片", "enrol.camera": "打开摄像头", "enrol.capture": "拍照", "enrol.stopCamera": "关闭摄像头",
    "enrol.check": "检查质量", "enrol.submit": "录入", "enrol.accepted": "已录入 {n} 张照片",
    "enrol.rejected": "照片 {i} 未通过", "enrol.warning": "提示", "enrol.ok": "质量合格",
    "enrol.bad": "质量不合格", "enrol.noPhoto": "请先选择或拍摄照片", "enrol.notStored": "照片仅用于提取特征，不会保存。",
    "enrol.delete": "删除人脸", "enrol.enrolled": "已录入人脸", "enrol.cameraError": "无法打开摄像头",
    "devices.title": "设备", "devices.pending": "待确认", "devices.confirm": "确认", "devices.ignore": "忽略",
    "devices.none": "没有发现设备", "devices.status": "状态", "devices.source": "来源", "devices.entities": "实体",
    "log.title": "通行记录", "log.person": "人员编号", "log.gate": "闸机", "log.decision": "结果",
    "log.since": "开始", "log.until": "结束", "log.filter": "筛选", "log.csv": "导出 CSV", "log.time": "时间",
    "log.credential": "凭证", "log.reasons": "原因", "log.passage": "通过", "log.none": "没有记录",
    "traces.title": "自动化追踪", "traces.none": "还没有运行记录", "traces.outcome": "结果", "traces.steps": "步骤",
    "guardian.title": "我的孩子", "guardian.today": "进出记录", "guardian.inside": "在校内", "guardian.outside": "不在校内",
    "guardian.unknown": "今天尚无记录", "guardian.prefs": "通知设置", "guardian.entry": "入校通知",
    "guardian.exit": "离校通知", "guardian.denied": "被拒通知", "guardian.fever": "体温异常通知",
    "guardian.channel": "通知方式", "guardian.language": "语言", "guardian.saved": "已保存", "guardian.none": "没有关联的孩子",
    "saved": "已保存", "cancel": "取消", "since": "自", "forbidden": "无权查看",
    "nav.users": "用户", "nav.notifications": "通知", "nav.schedules": "通行时段",
    "role.admin": "管理员", "role.operator": "值班员", "role.installer": "安装人员", "role.guardian": "监护人",
    "users.title": "用户", "users.username": "用户名", "users.name": "显示名称", "users.role": "角色",
    "users.children": "可查看的孩子", "users.status": "状态", "users.active": "正常", "users.disabled": "已停用",
    "users.you": "（你）", "users.none": "没有用户", "users.add": "新增用户", "users.password": "密码",
    "users.password2": "再次输入密码", "users.passwordHint": "至少 10 个字符",
    "users.mismatch": "两次输入的密码不一致", "users.tooShort": "密码至少需要 10 个字符",
    "users.create": "创建用户", "users.created": "已创建用户 {name}", "users.childSearch": "输入孩子的姓名或编号",
    "users.addChild": "添加", "users.removeChild": "移除", "users.noChild": "监护人至少要关联一个孩子",
    "users.unknownChild": "找不到此人：{id}", "users.manage": "管理", "users.disable": "停用", "users.enable": "启用",
    "users.delete": "删除", "users.confirmDelete": "确认删除 {name}", "users.deleted": "已删除用户 {name}",
    "users.resetPassword": "重置密码", "users.passwordReset": "密码已重置，该用户需要重新登录",
    "users.saveChildren": "保存孩子", "users.tokens": "访问令牌", "users.noTokens": "没有访问令牌",
    "users.tokenName": "用途", "users.tokenDays": "有效天数（可不填）", "users.createToken": "创建令牌",
    "users.tokenOnce": "请立即复制此令牌，它只显示这一次：", "users.revoke": "撤销", "users.expires": "到期",
    "users.never": "永不过期", "users.expired": "已过期", "users.createdAt": "创建于", "users.close": "关闭",
    "notif.title": "通知", "notif.hint": "发送失败的通知会保留下来。先修复原因（例如 webhook 地址或邮箱），再点击“重发”。",
    "notif.unavailable": "此站点没有配置通知（configuration.yaml 中没有 notify: 部分）。",
    "notif.status": "状态", "notif.all": "全部", "notif.refresh": "刷新", "notif.retry": "重发",
    "notif.retryAll": "全部重发", "notif.requeued": "已重新排队 {n} 条", "notif.time": "时间",
    "notif.recipient": "接收人", "notif.via": "渠道", "notif.message": "内容", "notif.attempts": "尝试次数",
    "notif.error": "最后的错误", "notif.none": "没有通知",
    "notif.s.pending": "待发送", "notif.s.sent": "已发送", "notif.s.dead": "发送失败",
    "sched.title": "通行时段", "sched.id": "编号", "sched.name": "名称", "sched.windows": "时间窗口",
    "sched.calendars": "节假日日历", "sched.holidays": "节假日（不开放）", "sched.noHolidays": "无",
    "sched.past": "另有 {n} 个已过去的日期", "sched.assignments": "适用对象", "sched.unassigned": "尚未分配给任何人",
    "sched.everywhere": "所有闸机", "sched.none": "还没有时间表",
    "sched.readOnly": "只读：只有管理员可以修改通行时段。",
    "sched.holidayNote": "节假日日期目前不能在网页中修改，分配也不能在这里撤销。",
    "sched.add": "新增时间表", "sched.edit": "编辑", "sched.editing": "编辑 {id}", "sched.save": "保存",
    "sched.windowsHelp": "每行一个，例如 mon-fri 07:00-18:00", "sched.calendarsHelp": "用逗号分隔，例如 cn_public",
    "sched.assign": "分配", "sched.subjectType": "对象类型", "sched.subject.person": "人员", "sched.subject.group": "分组",
    "sched.subject": "人员编号或分组", "sched.target": "闸机或区域（不填 = 全部）",
    "day.mon": "周一", "day.tue": "周二", "day.wed": "周三", "day.thu": "周四", "day.fri": "周五",
    "day.sat": "周六", "day.sun": "周日",
  },
  en: {
    "app.title": "menjin", "lang.switch": "中文", "nav.dashboard": "Dashboard", "nav.people": "People",
    "nav.devices": "Devices", "nav.log": "Access log", "nav.traces": "Traces", "nav.guardian": "My children",
    "logout": "Log out", "login.title": "Log in", "login.username": "Username", "login.password": "Password",
    "login.submit": "Log in", "login.failed": "Login failed", "loading": "Loading…", "error": "Error",
    "live.on": "Live", "live.off": "Reconnecting…", "dash.gates": "Gates", "dash.live": "Live decisions",
    "dash.none": "No passages yet", "dash.zone": "Zone", "dash.actuator": "Actuator", "dash.waiting": "Waiting",
    "granted": "Granted", "denied": "Denied", "dir.in": "in", "dir.out": "out", "unknown.person": "Unknown person",
    "people.title": "People", "people.search": "Search name or id", "people.kind": "Kind", "people.all": "All",
    "people.add": "Add person", "people.name": "Name", "people.id": "Id", "people.groups": "Groups",
    "people.status": "Status", "people.birth": "Birth date", "people.save": "Save", "people.none": "No people",
    "kind.student": "Student", "kind.staff": "Staff", "kind.resident": "Resident", "kind.visitor": "Visitor",
    "kind.contractor": "Contractor", "status.active": "Active", "status.suspended": "Suspended", "status.left": "Left",
    "person.suspend": "Suspend", "person.activate": "Reactivate", "person.guardians": "Guardians",
    "person.addGuardian": "Add guardian", "person.relation": "Relation", "person.targets": "Notify at",
    "consent.title": "Consents", "consent.purpose": "Purpose", "consent.by": "Given by", "consent.channel": "Channel",
    "consent.version": "Text version", "consent.guardian": "Guardian", "consent.grant": "Record consent",
    "consent.withdraw": "Withdraw", "consent.active": "Active", "consent.withdrawn": "Withdrawn", "consent.self": "The person",
    "consent.none": "No consent recorded", "purpose.gate_entry": "Face at the gate", "purpose.attendance": "Attendance",
    "purpose.guardian_notifications": "Guardian notifications", "purpose.snapshot": "Keep snapshots",
    "cred.title": "Credentials", "cred.card": "Card number", "cred.pin": "PIN", "cred.qr": "QR pass",
    "cred.addCard": "Issue card", "cred.setPin": "Set PIN", "cred.issueQr": "Issue QR pass", "cred.revoke": "Revoke",
    "cred.none": "No credentials", "cred.token": "QR content (shown once)",
    "enrol.title": "Face enrolment", "enrol.notice": "Capture notice", "enrol.needConsent": "Record the gate-entry (face) consent first. People who decline use a card, QR pass or PIN.",
    "enrol.file": "Choose photos", "enrol.camera": "Open camera", "enrol.capture": "Take photo", "enrol.stopCamera": "Close camera",
    "enrol.check": "Check quality", "enrol.submit": "Enrol", "enrol.accepted": "{n} photo(s) enrolled",
    "enrol.rejected": "Photo {i} refused", "enrol.warning": "Note", "enrol.ok": "Quality OK",
    "enrol.bad": "Quality not good enough", "enrol.noPhoto": "Choose or take a photo first", "enrol.notStored": "Photos are used to extract features only and are not kept.",
    "enrol.delete": "Delete face", "enrol.enrolled": "Face enrolled", "enrol.cameraError": "Cannot open the camera",
    "devices.title": "Devices", "devices.pending": "Pending", "devices.confirm": "Confirm", "devices.ignore": "Ignore",
    "devices.none": "No devices discovered", "devices.status": "Status", "devices.source": "Source", "devices.entities": "Entities",
    "log.title": "Access log", "log.person": "Person id", "log.gate": "Gate", "log.decision": "Decision",
    "log.since": "From", "log.until": "Until", "log.filter": "Filter", "log.csv": "Export CSV", "log.time": "Time",
    "log.credential": "Credential", "log.reasons": "Reasons", "log.passage": "Passage", "log.none": "No entries",
    "traces.title": "Automation traces", "traces.none": "No runs yet", "traces.outcome": "Outcome", "traces.steps": "Steps",
    "guardian.title": "My children", "guardian.today": "Entries and exits", "guardian.inside": "At school", "guardian.outside": "Not at school",
    "guardian.unknown": "No passage yet", "guardian.prefs": "Notifications", "guardian.entry": "When they arrive",
    "guardian.exit": "When they leave", "guardian.denied": "When refused at a gate", "guardian.fever": "On a high temperature",
    "guardian.channel": "Channel", "guardian.language": "Language", "guardian.saved": "Saved", "guardian.none": "No children linked",
    "saved": "Saved", "cancel": "Cancel", "since": "since", "forbidden": "Not allowed",
    "nav.users": "Users", "nav.notifications": "Notifications", "nav.schedules": "Schedules",
    "role.admin": "Administrator", "role.operator": "Operator", "role.installer": "Installer", "role.guardian": "Guardian",
    "users.title": "Users", "users.username": "Username", "users.name": "Display name", "users.role": "Role",
    "users.children": "Children they may see", "users.status": "Status", "users.active": "Active", "users.disabled": "Disabled",
    "users.you": "(you)", "users.none": "No users", "users.add": "Add user", "users.password": "Password",
    "users.password2": "Repeat password", "users.passwordHint": "At least 10 characters",
    "users.mismatch": "The passwords do not match", "users.tooShort": "The password needs at least 10 characters",
    "users.create": "Create user", "users.created": "User {name} created", "users.childSearch": "Type a child's name or id",
    "users.addChild": "Add", "users.removeChild": "Remove", "users.noChild": "Link a guardian to at least one child",
    "users.unknownChild": "No such person: {id}", "users.manage": "Manage", "users.disable": "Disable", "users.enable": "Enable",
    "users.delete": "Delete", "users.confirmDelete": "Really delete {name}", "users.deleted": "User {name} deleted",
    "users.resetPassword": "Reset password", "users.passwordReset": "Password reset; the user must log in again",
    "users.saveChildren": "Save children", "users.tokens": "Access tokens", "users.noTokens": "No access tokens",
    "users.tokenName": "What it is for", "users.tokenDays": "Valid for days (optional)", "users.createToken": "Create token",
    "users.tokenOnce": "Copy this token now: it is shown only once:", "users.revoke": "Revoke", "users.expires": "expires",
    "users.never": "never expires", "users.expired": "expired", "users.createdAt": "created", "users.close": "Close",
    "notif.title": "Notifications", "notif.hint": "Failed notifications are kept. Fix the cause (a webhook address, a mailbox), then retry them.",
    "notif.unavailable": "Notifications are not set up on this site (no notify: section in configuration.yaml).",
    "notif.status": "Status", "notif.all": "All", "notif.refresh": "Refresh", "notif.retry": "Retry",
    "notif.retryAll": "Retry all dead", "notif.requeued": "{n} queued again", "notif.time": "Time",
    "notif.recipient": "Recipient", "notif.via": "Via", "notif.message": "Message", "notif.attempts": "Attempts",
    "notif.error": "Last error", "notif.none": "No notifications",
    "notif.s.pending": "pending", "notif.s.sent": "sent", "notif.s.dead": "dead",
    "sched.title": "Schedules", "sched.id": "Id", "sched.name": "Name", "sched.windows": "Time windows",
    "sched.calendars": "Holiday calendars", "sched.holidays": "Holidays (closed)", "sched.noHolidays": "none",
    "sched.past": "and {n} past day(s)", "sched.assignments": "Applies to", "sched.unassigned": "Not given to anyone yet",
    "sched.everywhere": "every gate", "sched.none": "No schedules yet",
    "sched.readOnly": "Read-only: only administrators change schedules.",
    "sched.holidayNote": "Holiday days cannot be changed in the web UI yet, and assignments cannot be removed here.",
    "sched.add": "Add schedule", "sched.edit": "Edit", "sched.editing": "Editing {id}", "sched.save": "Save",
    "sched.windowsHelp": "One per line, e.g. mon-fri 07:00-18:00", "sched.calendarsHelp": "Comma-separated, e.g. cn_public",
    "sched.assign": "Assign", "sched.subjectType": "Applies to a", "sched.subject.person": "Person", "sched.subject.group": "Group",
    "sched.subject": "Person id or group", "sched.target": "Gate or zone (empty = all)",
    "day.mon": "Mon", "day.tue": "Tue", "day.wed": "Wed", "day.thu": "Thu", "day.fri": "Fri",
    "day.sat": "Sat", "day.sun": "Sun",
  },
};

export const LANGUAGES = ["zh-CN", "en"];
let language = "en";

export function detectLanguage() {
  const stored = localStorage.getItem("menjin.lang");
  if (LANGUAGES.includes(stored)) return stored;
  const preferred = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"];
  for (const tag of preferred) {
    const lower = String(tag).toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

export function setLanguage(lang, remember = false) {
  language = LANGUAGES.includes(lang) ? lang : "en";
  document.documentElement.lang = language;
  if (remember) localStorage.setItem("menjin.lang", language);
}

export function getLanguage() { return language; }

/** Every key of one language's table (tests compare the two). */
export function keys(lang) {
  return Object.keys(STRINGS[lang] || {});
}

// "lang:key" of every text a page asked for that its language lacks; tests read it.
export const missingKeys = new Set();

export function t(key, params = {}) {
  const own = STRINGS[language] && STRINGS[language][key];
  if (own === undefined) missingKeys.add(`${language}:${key}`);
  const text = own || STRINGS.en[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}
