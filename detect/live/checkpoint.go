package live

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// checkpointMagic opens every checkpoint file; the version changes with its layout.
const checkpointMagic = "stswatch-checkpoint v1\n"

// CheckpointMeta is the header of a checkpoint: what the daemon had consumed
// when the detector state that follows it was saved.
type CheckpointMeta struct {
	Saved   time.Time        `json:"saved"`
	Offsets map[string]int64 `json:"offsets"` // per feed URL: lines consumed
}

// SaveCheckpoint writes meta and the state written by save to path
// atomically (writeFileAtomic): a crash leaves the old or the new checkpoint,
// never a mix.
func SaveCheckpoint(path string, meta CheckpointMeta, save func(io.Writer) error) error {
	err := writeFileAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 256<<10)
		if err := writeCheckpoint(bw, meta, save); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return nil
}

// writeFileAtomic writes path through write: to a temporary file in the same
// directory (named path.tmp*), fsynced, renamed over path, then the directory
// fsynced. A crash or an error leaves path as it was or whole, never in part;
// on an error the temporary file is removed (after a crash it is left, and
// never taken for path).
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	err = write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		err = syncDir(dir)
	}
	return err
}

func writeCheckpoint(w io.Writer, meta CheckpointMeta, save func(io.Writer) error) error {
	b, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "%s%s\n", checkpointMagic, b); err != nil {
		return err
	}
	return save(w)
}

// LoadCheckpoint reads the checkpoint at path: its header, then the detector
// state through load. It returns found=false, and no error, when there is none.
func LoadCheckpoint(path string, load func(io.Reader) error) (meta CheckpointMeta, found bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return meta, false, nil
	}
	if err != nil {
		return meta, false, fmt.Errorf("checkpoint: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 256<<10)
	magic := make([]byte, len(checkpointMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != checkpointMagic {
		return meta, false, fmt.Errorf("checkpoint %s: not a stswatch checkpoint (v1)", path)
	}
	head, err := br.ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(head, &meta)
	}
	if err == nil {
		err = load(br)
	}
	if err != nil {
		return meta, false, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return meta, true, nil
}

// syncDir fsyncs a directory so that a rename in it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
