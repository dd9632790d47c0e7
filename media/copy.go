package media

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/ortsplan/ortsplan"
)

// CopyStats counts what Copy did.
type CopyStats struct {
	// Copied files were missing at the destination or differed from the
	// source; Bytes is their total size.
	Copied int
	Bytes  int64
	// Unchanged files were at the destination already, with the same bytes
	// and content type, and were not written again.
	Unchanged int
	// Vanished files were listed at the source but gone when they were read
	// (deleted meanwhile).
	Vanished int
}

// Copy copies every file, with its content type, from one storage to the
// other. A file that the destination already holds with the same bytes and
// content type is left alone, so running Copy again writes nothing new; a
// differing one is replaced. Files only at the destination are kept. Each
// file is read into memory, one at a time. progress, if not nil, is called
// after each file.
func Copy(ctx context.Context, from, to Storage, progress func(key string, s CopyStats)) (CopyStats, error) {
	var s CopyStats
	for key, err := range from.List(ctx) {
		if err != nil {
			return s, fmt.Errorf("media: copy: %w", err)
		}
		data, info, err := readAll(ctx, from, key)
		if ortsplan.ErrorCode(err) == ortsplan.ENOTFOUND {
			s.Vanished++
			continue
		} else if err != nil {
			return s, fmt.Errorf("media: copy %s: %w", key, err)
		}
		same, err := holds(ctx, to, key, data, info.ContentType)
		if err != nil {
			return s, fmt.Errorf("media: copy %s: %w", key, err)
		}
		if same {
			s.Unchanged++
		} else {
			if err := to.Put(ctx, key, data, info.ContentType); err != nil {
				return s, fmt.Errorf("media: copy %s: %w", key, err)
			}
			s.Copied++
			s.Bytes += int64(len(data))
		}
		if progress != nil {
			progress(key, s)
		}
	}
	return s, nil
}

func readAll(ctx context.Context, st Storage, key string) ([]byte, Info, error) {
	r, info, err := st.Open(ctx, key)
	if err != nil {
		return nil, Info{}, err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, Info{}, fmt.Errorf("read %s: %w", key, err)
	}
	return data, info, nil
}

// holds reports whether st has data under key with the content type.
func holds(ctx context.Context, st Storage, key string, data []byte, contentType string) (bool, error) {
	r, info, err := st.Open(ctx, key)
	if ortsplan.ErrorCode(err) == ortsplan.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	defer r.Close()
	if info.Size != int64(len(data)) || info.ContentType != contentType {
		return false, nil
	}
	// Compare a piece at a time, without reading the whole file first.
	buf := make([]byte, 64<<10)
	rest := data
	for {
		n, err := r.Read(buf)
		if n > len(rest) || !bytes.Equal(buf[:n], rest[:n]) {
			return false, nil
		}
		rest = rest[n:]
		if err == io.EOF {
			return len(rest) == 0, nil
		} else if err != nil {
			return false, fmt.Errorf("read %s at the destination: %w", key, err)
		}
	}
}
