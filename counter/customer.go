package counter

import (
	"context"
	"fmt"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/ui/view"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// SandboxCustomer is the training customer on the in-process sandbox: it
// pays a Native order's code_url and hands out fresh scenario codes. The
// window knows it only as its Customer interface, never the simulator.
type SandboxCustomer struct {
	sb    *sandbox.Server
	order func(no string) (*pos.Order, error)
}

// NewSandboxCustomer returns the customer of sb; order looks up an order's
// code_url (pass (*pos.Terminal).Order).
func NewSandboxCustomer(sb *sandbox.Server, order func(no string) (*pos.Order, error)) *SandboxCustomer {
	return &SandboxCustomer{sb: sb, order: order}
}

// PayNative pays order no's QR code as a customer's WeChat app would.
func (c *SandboxCustomer) PayNative(ctx context.Context, no string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o, err := c.order(no)
	if err != nil {
		return fmt.Errorf("simulate payment of %s: %w", no, err)
	}
	if o.CodeURL == "" {
		return fmt.Errorf("simulate payment of %s: no QR code yet: %w", no, pos.ErrNotFound)
	}
	if err := c.sb.PayNative(o.CodeURL); err != nil {
		return fmt.Errorf("simulate payment of %s: %w", no, err)
	}
	return nil
}

// Scenarios returns one fresh single-use code per sandbox scenario.
func (c *SandboxCustomer) Scenarios() []view.Scenario {
	scs := sandbox.Scenarios()
	out := make([]view.Scenario, 0, len(scs))
	for _, sc := range scs {
		out = append(out, view.Scenario{Code: sandbox.NewCode(sc), Name: string(sc)})
	}
	return out
}
