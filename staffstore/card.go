package staffstore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/staff"
)

// CardCode is the code printed on name's staff card (Code 128):
// catalog.StaffCardPrefix and the first ten hex digits of a SHA-256 of
// the name as the directory keys it, so a card survives a PIN change and
// names the same user on every terminal of the store. A card only names
// its holder: the sign-in screen still asks for the PIN, so a lost card
// sells nothing.
func CardCode(name string) string {
	sum := sha256.Sum256([]byte("wxpos staff card\x00" + userKey(name)))
	return catalog.StaffCardPrefix + strings.ToUpper(hex.EncodeToString(sum[:5]))
}

// CardName returns the name of the active user whose staff card reads
// code (either case), or staff.ErrNotFound.
func (d *Directory) CardName(code string) (string, error) {
	users, err := d.List()
	if err != nil {
		return "", err
	}
	for _, u := range users {
		if !u.Disabled && strings.EqualFold(CardCode(u.Name), code) {
			return u.Name, nil
		}
	}
	return "", fmt.Errorf("staff card %s: %w", code, staff.ErrNotFound)
}
