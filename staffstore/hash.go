package staffstore

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters of a PIN hash. They are stored
// with every hash (PHC string format), so raising them later only affects
// new hashes; old ones are re-hashed at the next successful check.
type Params struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory in KiB
	Threads   uint8  // lanes
	SaltLen   uint32 // bytes of random salt
	KeyLen    uint32 // bytes of derived key
}

// DefaultParams cost about 90 ms and 32 MiB per check on a 2024 server
// core, and roughly 150–250 ms on the fanless Celeron/ARM boxes stores use.
// A PIN has only 10⁴–10⁸ values, so the hash cannot make guessing
// impossible; it makes an offline search of a stolen database take hours
// instead of seconds, while the persistent lockout stops online guessing.
// One thread, because the terminal's other work must keep running.
var DefaultParams = Params{Time: 3, MemoryKiB: 32 * 1024, Threads: 1, SaltLen: 16, KeyLen: 32}

// weaker reports whether p costs less than q in any dimension.
func (p Params) weaker(q Params) bool {
	return p.Time < q.Time || p.MemoryKiB < q.MemoryKiB || p.KeyLen < q.KeyLen || p.SaltLen < q.SaltLen
}

// errBadHash is returned for a stored hash that cannot be parsed.
var errBadHash = errors.New("unreadable PIN hash")

var b64 = base64.RawStdEncoding

// hashPIN derives a new PHC-format argon2id hash of pin with a fresh salt.
func hashPIN(pin string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("pin salt: %w", err)
	}
	key := argon2.IDKey([]byte(pin), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// parseHash splits a PHC argon2id string into its parameters, salt and key.
func parseHash(h string) (Params, []byte, []byte, error) {
	parts := strings.Split(h, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return Params{}, nil, nil, errBadHash
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, errBadHash
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || p.Time == 0 || p.MemoryKiB == 0 || p.Threads == 0 {
		return Params{}, nil, nil, errBadHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// checkPIN reports whether pin matches the stored hash h, comparing the
// derived keys in constant time, and whether h was made with parameters
// weaker than want (so it should be re-hashed).
func checkPIN(h, pin string, want Params) (ok, rehash bool, err error) {
	p, salt, key, err := parseHash(h)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(pin), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	ok = subtle.ConstantTimeCompare(got, key) == 1
	return ok, ok && p.weaker(want), nil
}
