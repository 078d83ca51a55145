package staffstore

import (
	"context"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/staff"
)

// PaymentAuthorizer lets the payment core ask for a manager's PIN: it
// implements pos.Authorizer on a Directory. Actor returns who is logged in
// at the counter (the cashier being elevated), so the audit trail names
// both; nil means the approver acts alone.
type PaymentAuthorizer struct {
	Dir   *Directory
	Actor func() string
}

var _ pos.Authorizer = PaymentAuthorizer{}

// Authorize checks a.User's PIN (a.Credential) for act on ref and returns
// the approver's name. Refusals wrap ErrBadPIN, ErrLocked or ErrForbidden;
// pos adds pos.ErrNotAuthorised around them.
func (p PaymentAuthorizer) Authorize(ctx context.Context, a pos.Approval, act pos.Action, ref string) (string, error) {
	actor := a.User
	if p.Actor != nil {
		if n := p.Actor(); n != "" {
			actor = n
		}
	}
	ap, err := p.Dir.Authorize(ctx, staff.Request{Action: staff.Action(act), Actor: actor, Approver: a.User, PIN: a.Credential, Ref: ref})
	if err != nil {
		return "", err
	}
	return ap.Approver, nil
}
