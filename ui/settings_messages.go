package ui

// Message keys of what is wrong with a setting, said under its field on
// the manager's settings screen (settingFields picks them by the
// configuration's field name).
const (
	msgSetErrID         msg = "set.err.id"
	msgSetErrAppID      msg = "set.err.appID"
	msgSetErrMchID      msg = "set.err.mchID"
	msgSetErrRequired   msg = "set.err.required"
	msgSetErrPubKey     msg = "set.err.pubKey"
	msgSetErrClientCert msg = "set.err.clientCert"
	msgSetErrBaud       msg = "set.err.baud"
	msgSetErrPrinter    msg = "set.err.printer"
	msgSetErrOther      msg = "set.err.other"
	msgSetNotSaved      msg = "set.notSaved"
)

var settingsMessages = map[msg]translation{
	msgSetErrID:       {"需 1–6 个字母或数字（每个订单号都含有它）", "1–6 letters or digits (it is part of every order number)"},
	msgSetErrAppID:    {"应为 wx 加 16 位十六进制数字", "wx followed by 16 hex digits"},
	msgSetErrMchID:    {"应为 8–10 位数字的商户号", "The 8–10 digit merchant number"},
	msgSetErrRequired: {"此模式必须填写", "Required in this mode"},
	msgSetErrPubKey: {"公钥 ID 以 PUB_KEY_ID_ 开头，并与公钥文件一起填写（或都不填，改用平台证书）",
		"Starts with PUB_KEY_ID_ and goes with the public key file (or leave both empty: platform certificates are used)"},
	msgSetErrClientCert: {"API v2 退款和撤销需要 API 证书：证书文件和私钥文件都要填写",
		"API v2 needs the API certificate for refunds and reverses: fill in the certificate and its key"},
	msgSetErrBaud:    {"应为标准波特率，例如 9600 或 115200", "A standard rate such as 9600 or 115200"},
	msgSetErrPrinter: {"应为 none、usb:设备、serial:串口:波特率 或 tcp:地址:端口", "none, usb:<device>, serial:<port>:<baud> or tcp:<host>:<port>"},
	msgSetErrOther: {"配置文件中的 %s 不对，这里不能修改 — 请在配置文件中改正后再保存",
		"The setting %s in the config file is wrong and cannot be edited here — correct it in the config file, then save again"},
	msgSetNotSaved: {"没有保存 — 请改正标出的设置", "Not saved — correct the settings marked"},
}
