package store

import (
	"encoding/binary"
	"errors"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"
)

// MigratePartly migrates the file at path in transactions of at most
// batch records and stops after n transactions, as a crash would; it
// reports whether the migration had finished.
func MigratePartly(path string, batch, n int) (finished bool, err error) {
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return false, err
	}
	defer b.Close()
	_, err = migrateWith(b, slog.New(slog.DiscardHandler), batch, n)
	if errors.Is(err, errStopped) {
		return false, nil
	}
	return err == nil, err
}

// Layout reports the file's layout version and the top-level buckets it
// holds.
func Layout(path string) (version uint64, buckets []string, err error) {
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		return 0, nil, err
	}
	defer b.Close()
	err = b.View(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketKeys[atMeta]); meta != nil {
			if v := meta.Get(metaVersion); len(v) == 8 {
				version = binary.BigEndian.Uint64(v)
			}
		}
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			buckets = append(buckets, string(name))
			return nil
		})
	})
	return version, buckets, err
}
