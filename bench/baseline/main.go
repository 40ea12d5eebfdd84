// Command baseline is the yardstick for textfix's load run: a bare echo
// handler that parses Twilio's form and, with -store=batch, writes one
// small record per request with bbolt's Batch (1 ms delay), or with
// -store=postgres inserts one row per request in its own transaction
// through a pgx pool of textfix's size. bench/run.sh runs it beside
// textfix so the figures are ratios from the same machine and the same
// minute.
package main

import (
	"context"
	"flag"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/postgres"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	mode := flag.String("store", "batch", "batch (one bbolt Batch write per request), postgres (one INSERT per request) or none")
	dir := flag.String("dir", os.TempDir(), "folder for the bbolt file")
	dbURL := flag.String("db", "", "postgres:// URL for -store=postgres")
	value := flag.String("value", "from", "what -store=batch writes under the MessageSid: from (the 12-byte number) or form (the whole request, as a text's record would hold it)")
	flag.Parse()

	var pool *pgxpool.Pool
	if *mode == "postgres" {
		cfg, err := pgxpool.ParseConfig(*dbURL)
		if err != nil {
			log.Fatal(err)
		}
		cfg.MaxConns = postgres.DefaultMaxConns
		if pool, err = pgxpool.NewWithConfig(context.Background(), cfg); err != nil {
			log.Fatal(err)
		}
		defer pool.Close()
		if _, err := pool.Exec(context.Background(), `CREATE TABLE IF NOT EXISTS m (sid text PRIMARY KEY, phone text NOT NULL)`); err != nil {
			log.Fatal(err)
		}
	}

	var db *bolt.DB
	if *mode == "batch" {
		var err error
		db, err = bolt.Open(filepath.Join(*dir, "baseline.db"), 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil {
			log.Fatal(err)
		}
		db.MaxBatchDelay = time.Millisecond
		defer db.Close()
		if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucketIfNotExists([]byte("m")); return err }); err != nil {
			log.Fatal(err)
		}
	}
	e := echo.New()
	e.HideBanner = true
	e.POST("/twilio/sms", func(c echo.Context) error {
		if err := c.Request().ParseForm(); err != nil {
			return c.NoContent(http.StatusBadRequest)
		}
		f := c.Request().PostForm
		if pool != nil {
			if _, err := pool.Exec(c.Request().Context(), `INSERT INTO m (sid, phone) VALUES ($1, $2)`, f.Get("MessageSid"), f.Get("From")); err != nil {
				return err
			}
		}
		if db != nil {
			sid, v := []byte(f.Get("MessageSid")), []byte(f.Get("From"))
			if *value == "form" {
				v = []byte(f.Encode())
			}
			if err := db.Batch(func(tx *bolt.Tx) error { return tx.Bucket([]byte("m")).Put(sid, v) }); err != nil {
				return err
			}
		}
		return c.Blob(http.StatusOK, "text/xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>`))
	})
	log.Fatal(e.Start(*addr))
}
