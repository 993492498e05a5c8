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

export function t(key, params = {}) {
  const text = (STRINGS[language] && STRINGS[language][key]) || STRINGS.en[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}
