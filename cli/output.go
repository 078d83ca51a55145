package cli

import (
	"encoding/json"
	"fmt"
	"io"
)

// TrainingBanner is the first and the last line of the text that pay,
// query, orders and report print on a training terminal, so that a
// training sale is never read as money. Their --json says "training": true.
const TrainingBanner = "TRAINING — not real money"

// withBanner runs body, between two TrainingBanner lines when training.
func withBanner(w io.Writer, training bool, body func(io.Writer) error) error {
	if training {
		fmt.Fprintln(w, TrainingBanner)
	}
	if err := body(w); err != nil {
		return err
	}
	if training {
		_, err := fmt.Fprintln(w, TrainingBanner)
		return err
	}
	return nil
}

// writeJSON is what --json prints: one object, nothing else on stdout.
func writeJSON(w io.Writer, v any) error {
	return json.NewEncoder(w).Encode(v)
}
