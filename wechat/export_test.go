package wechat

// DecodeV3Error exposes decodeV3Error to the external tests.
var DecodeV3Error = decodeV3Error
