package sandbox

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/wxpos/wxpos/wechat"
)

// Profile is the JSON document `wxpos sandbox --profile FILE` writes: all a
// client needs to talk to a running sandbox.
type Profile struct {
	BaseURL string    `json:"base_url"`
	AppID   string    `json:"appid"`
	MchID   string    `json:"mchid"`
	V2      ProfileV2 `json:"v2"`
	V3      ProfileV3 `json:"v3"`
	// CACertPEM is the sandbox CA when the sandbox serves TLS: trust it to
	// reach base_url. Empty for plain HTTP.
	CACertPEM string `json:"ca_cert_pem,omitempty"`
	// ScenarioCodes holds one example payment code per scenario (each pays
	// once; make more with the prefix).
	ScenarioCodes map[string]string `json:"scenario_codes"`
	// ScenarioPrefixes is the 6-digit prefix that selects each scenario.
	ScenarioPrefixes map[string]string `json:"scenario_prefixes"`
	// Partner is the service provider (服务商) and its one sub-merchant:
	// call the partner endpoints with these to sell as the sub-merchant.
	Partner *ProfilePartner `json:"partner,omitempty"`
}

// ProfilePartner is the service-provider part of a Profile. The provider
// has a WeChat Pay public key and no platform certificate.
type ProfilePartner struct {
	SpMchID               string `json:"sp_mchid"`
	SpAppID               string `json:"sp_appid"`
	SubMchID              string `json:"sub_mchid"`
	SubAppID              string `json:"sub_appid"`
	APIKey                string `json:"api_key"`
	ClientCertPEM         string `json:"client_cert_pem"`
	MerchantSerialNo      string `json:"merchant_serial_no"`
	MerchantPrivateKeyPEM string `json:"merchant_private_key_pem"`
	APIV3Key              string `json:"api_v3_key"`
	PlatformPublicKeyID   string `json:"platform_public_key_id"`
	PlatformPublicKeyPEM  string `json:"platform_public_key_pem"`
}

// ProfileV2 is the API v2 part of a Profile.
type ProfileV2 struct {
	APIKey        string `json:"api_key"`
	ClientCertPEM string `json:"client_cert_pem"`
	ClientKeyPEM  string `json:"client_key_pem"`
}

// ProfileV3 is the API v3 part of a Profile.
type ProfileV3 struct {
	APIV3Key              string `json:"api_v3_key"`
	MerchantSerialNo      string `json:"merchant_serial_no"`
	MerchantPrivateKeyPEM string `json:"merchant_private_key_pem"`
	PlatformPublicKeyID   string `json:"platform_public_key_id"`
	PlatformPublicKeyPEM  string `json:"platform_public_key_pem"`
	PlatformCertSerialNo  string `json:"platform_cert_serial_no"`
	PlatformCertPEM       string `json:"platform_cert_pem"`
}

// Profile describes this sandbox reachable at baseURL. An https base URL
// also carries the sandbox CA certificate that issued the TLS certificate.
func (s *Server) Profile(baseURL string) Profile {
	c := s.creds
	p := Profile{
		BaseURL: baseURL,
		AppID:   c.AppID,
		MchID:   c.MchID,
		V2:      ProfileV2{APIKey: c.APIKey, ClientCertPEM: c.MerchantCertPEM, ClientKeyPEM: c.MerchantKeyPEM},
		V3: ProfileV3{
			APIV3Key:              c.APIV3Key,
			MerchantSerialNo:      wechat.CertificateSerial(s.merchantCert),
			MerchantPrivateKeyPEM: c.MerchantKeyPEM,
			PlatformPublicKeyID:   c.PublicKeyID,
			PlatformPublicKeyPEM:  s.publicKeyPEM(),
			PlatformCertSerialNo:  wechat.CertificateSerial(s.platformCert),
			PlatformCertPEM:       c.PlatformCertPEM,
		},
		ScenarioCodes:    map[string]string{},
		ScenarioPrefixes: map[string]string{},
	}
	sp := s.sp
	der, err := x509.MarshalPKIXPublicKey(&sp.pubKeyPriv.PublicKey)
	if err == nil {
		p.Partner = &ProfilePartner{
			SpMchID: sp.c.SpMchID, SpAppID: sp.c.SpAppID, SubMchID: sp.c.SubMchID, SubAppID: sp.c.SubAppID,
			APIKey: sp.c.APIKey, ClientCertPEM: sp.c.MerchantCertPEM,
			MerchantSerialNo: sp.serial, MerchantPrivateKeyPEM: sp.c.MerchantKeyPEM, APIV3Key: sp.c.APIV3Key,
			PlatformPublicKeyID: sp.c.PublicKeyID, PlatformPublicKeyPEM: pemString("PUBLIC KEY", der),
		}
	}
	if s.opts.KeyMode == PublicKeyOnlyMode {
		p.V3.PlatformCertSerialNo, p.V3.PlatformCertPEM = "", "" // the merchant has none
	}
	if strings.HasPrefix(baseURL, "https://") {
		p.CACertPEM = c.CACertPEM
	}
	for _, sc := range Scenarios() {
		p.ScenarioCodes[string(sc)] = NewCode(sc)
		p.ScenarioPrefixes[string(sc)] = sc.Prefix()
	}
	return p
}

// WriteFile writes p to path as indented JSON with mode 0600, atomically.
func (p Profile) WriteFile(path string) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("sandbox: encode profile: %w", err)
	}
	if err := writeFileAtomic(path, append(data, '\n')); err != nil {
		return fmt.Errorf("sandbox: write profile: %w", err)
	}
	return nil
}

// LoadProfile reads a profile written by `wxpos sandbox`.
func LoadProfile(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sandbox: read profile: %w", err)
	}
	var p Profile
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("sandbox: parse profile %s: %w", path, err)
	}
	if p.BaseURL == "" || p.MchID == "" || p.AppID == "" || p.V2.APIKey == "" || p.V3.APIV3Key == "" {
		return nil, fmt.Errorf("sandbox: profile %s: %w", path, errIncompleteProfile)
	}
	return &p, nil
}

var errIncompleteProfile = errors.New("incomplete (needs base_url, appid, mchid and both API keys)")
