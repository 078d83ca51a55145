package bill

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// Limits bound what a bill file may expand to, so that a small hostile or
// damaged file (a gzip bomb) is refused after reading a little of it
// instead of filling memory or disk. The zero value means the defaults.
type Limits struct {
	// MaxSize is the largest accepted bill in bytes once decompressed;
	// 0 means DefaultMaxSize.
	MaxSize int64
	// MaxRatio is the largest accepted decompressed/compressed ratio,
	// checked once more than RatioFloor bytes came out; 0 means
	// DefaultMaxRatio. It applies to gzip input only.
	MaxRatio int64
}

const (
	// DefaultMaxSize is 256 MiB of bill text: a busy store's day is a few
	// MB (about 400 bytes a row), so this leaves room for a merchant
	// number shared by hundreds of tills (600k rows) and still stops a
	// bomb long before memory or disk suffer.
	DefaultMaxSize = 256 << 20
	// DefaultMaxRatio is 100:1. Bill text gzips 5–20:1 (the backquotes,
	// appid and mchid repeat on every row); a gzip bomb runs near
	// deflate's limit of 1032:1.
	DefaultMaxRatio = 100
	// RatioFloor is how much may come out before the ratio is checked,
	// so that a short, very regular bill is never refused for its ratio.
	RatioFloor = 1 << 20
)

// ErrTooLarge is wrapped by the read error of a bill larger than
// Limits.MaxSize once decompressed.
var ErrTooLarge = errors.New("bill too large once decompressed")

// ErrRatio is wrapped by the read error of a gzip bill that expands more
// than Limits.MaxRatio times (a gzip bomb).
var ErrRatio = errors.New("bill expands too much for a bill (gzip bomb?)")

// Decompress returns a reader of the bill text in r: gunzipped when r
// starts with the gzip magic, as is otherwise. Reading past lim is an error
// wrapping ErrTooLarge or ErrRatio; a corrupt gzip stream is an error too.
// It reads as it is read, holding no more than a buffer.
func Decompress(r io.Reader, lim Limits) (io.Reader, error) {
	if lim.MaxSize <= 0 {
		lim.MaxSize = DefaultMaxSize
	}
	if lim.MaxRatio <= 0 {
		lim.MaxRatio = DefaultMaxRatio
	}
	in := &countReader{r: r}
	br := bufio.NewReader(in)
	l := &limitReader{lim: lim, in: in}
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		l.r, l.gz = zr, true
		return l, nil
	}
	l.r = br
	return l, nil
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type limitReader struct {
	r   io.Reader
	in  *countReader // compressed bytes read so far (read-ahead included)
	gz  bool
	lim Limits
	out int64
	err error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	// Never hand out more than one byte past the limit: the byte past it
	// is what proves the bill too large.
	if room := l.lim.MaxSize + 1 - l.out; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.out += int64(n)
	switch {
	case l.out > l.lim.MaxSize:
		l.err = fmt.Errorf("%w: more than %d bytes", ErrTooLarge, l.lim.MaxSize)
	case l.gz && l.out > RatioFloor && l.out > l.lim.MaxRatio*l.in.n:
		l.err = fmt.Errorf("%w: %d bytes out of %d compressed, more than %d:1", ErrRatio, l.out, l.in.n, l.lim.MaxRatio)
	case err != nil && l.gz && !errors.Is(err, io.EOF):
		l.err = fmt.Errorf("gunzip: %w", err)
	default:
		return n, err
	}
	return 0, l.err
}
