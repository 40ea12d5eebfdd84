// Command prefill measures what textfix's bbolt file costs on disk and
// what a restart costs. It writes -n conversations of three texts each
// into a fresh file through the store's own API, as the webhook does
// (Replay, then Inbound running the desk and the engine on the embedded
// flows), -workers numbers at a time; texts are interleaved: the first
// text of a window of numbers, then their second, then their third. It
// prints the file's size per stored text and per conversation and
// bbolt's page usage per bucket.
//
// The texts are stamped by a clock that runs from -span ago to now, so
// that the claims span that long: with the default 49 h, the claims of
// the first hour are older than serve's 48 h.
//
// Then it starts itself again on the file, as a server restarts: it opens
// the store, starts the claim prune serve runs at start (claims older
// than 48 h, in calls of 1,000: an hour of claims here, as the hourly
// prune finds), sends one text from a stored number at the same moment,
// and prints how long the open, that text and the prune's calls took and
// the process's RSS after each. With -prune it then prunes every claim in
// calls of -batch and prints their times.
//
//	go run ./bench/prefill -n 100000 -db /tmp/prefill.db
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/segment"
	"github.com/textfix/textfix/store"
)

// scripts are the three texts of a conversation; conversation i uses
// scripts[i % len(scripts)].
var scripts = [][3]string{
	{"claude code 403", "2", "3"},
	{"claude code keeps saying 403 forbidden", "it says region not supported", "1"},
	{"curl gave me a 401", "2", "no"},
	{"stripe says card declined 402", "1", "yes"},
	{"twilio error 21610", "yes", "2"},
	{"my app shows error 529 overloaded", "1", "reset"},
}

func main() {
	path := flag.String("db", "prefill.db", "bbolt file to create (must not exist)")
	n := flag.Int("n", 10000, "conversations")
	workers := flag.Int("workers", 32, "numbers texting at once")
	window := flag.Int("window", 1000, "numbers whose texts are interleaved")
	reopen := flag.Bool("reopen", false, "only the restart phase, on an existing file")
	prune := flag.Bool("prune", false, "after the restart, prune every claim and time the batches")
	batch := flag.Int("batch", 1000, "claims per PruneClaims call with -prune")
	span := flag.Duration("span", 49*time.Hour, "how long the texts' clock runs")
	flag.Parse()
	log.SetFlags(0)

	if *reopen {
		restart(*path, *n, *prune, *batch)
		return
	}
	if _, err := os.Stat(*path); err == nil {
		log.Fatalf("%s exists: prefill writes a fresh file", *path)
	}
	fill(*path, *n, *workers, *window, *span)
	report(*path, *n)

	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	args := []string{"-reopen", "-db", *path, "-n", fmt.Sprint(*n), "-batch", fmt.Sprint(*batch)}
	if *prune {
		args = append(args, "-prune")
	}
	cmd := exec.Command(self, args...) //nolint:gosec // this program, run again
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatal(err)
	}
}

// phone is conversation i's number.
func phone(i int) string { return fmt.Sprintf("+1555%07d", i) }

// sid is a fresh Twilio-shaped MessageSid.
func sid() string { return "SM" + hex.EncodeToString(randBytes(16)) }

func randBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

// texter sends texts as the webhook does.
type texter struct {
	db     *store.DB
	desk   *bot.Desk
	engine *bot.Engine
	now    func() time.Time
	tick   func() // moves now on before each text
}

func newTexter(db *store.DB) *texter {
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		log.Fatal(err)
	}
	base := "https://textfix.example.com"
	return &texter{
		db:     db,
		desk:   &bot.Desk{BaseURL: base},
		engine: &bot.Engine{Flows: lib, BaseURL: base, ConsoleOnly: true},
		now:    time.Now,
		tick:   func() {},
	}
}

// text is one inbound text: Replay, then Inbound with the desk and the
// engine, as web.inboundSMS runs it.
func (t *texter) text(ctx context.Context, from, body string) ([]string, error) {
	t.tick()
	c := bot.Claim{SID: sid(), From: from}
	if reply, ok, err := t.db.Replay(ctx, c); err != nil || ok {
		return reply, err
	}
	in := bot.Inbound{From: from, Body: segment.Repair(body), MessageID: c.SID, PageID: bot.NewPageID()}
	now := t.now()
	reply, _, err := t.db.Inbound(ctx, c, func(tx bot.Tx) ([]bot.Line, error) {
		return t.desk.Handle(tx, t.engine, in, now)
	})
	return reply, err
}

func fill(path string, n, workers, window int, span time.Duration) {
	db, err := store.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	t := newTexter(db)
	// The clock runs from span ago to now over the 3n texts: each text
	// moves it on (texter.tick) and reads it, as the store does.
	from, step := time.Now().Add(-span), span/time.Duration(3*n)
	var ticks atomic.Int64
	t.tick = func() { ticks.Add(1) }
	t.now = func() time.Time { return from.Add(time.Duration(ticks.Load()) * step) }
	db.Now = t.now
	ctx := context.Background()
	start := time.Now()
	written := wchar()
	var sent atomic.Int64
	for lo := 0; lo < n; lo += window {
		hi := min(lo+window, n)
		for step := range 3 {
			next := make(chan int)
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for i := range next {
						if _, err := t.text(ctx, phone(i), scripts[i%len(scripts)][step]); err != nil {
							log.Fatal(err)
						}
						sent.Add(1)
					}
				})
			}
			for i := lo; i < hi; i++ {
				next <- i
			}
			close(next)
			wg.Wait()
		}
		if hi%(20*window) == 0 || hi == n {
			el := time.Since(start)
			log.Printf("%d conversations, %d texts, %s, %.0f texts/s", hi, sent.Load(), el.Round(time.Second), float64(sent.Load())/el.Seconds())
		}
	}
	if err := db.Close(); err != nil {
		log.Fatal(err)
	}
	w := wchar() - written
	fmt.Printf("fill: %d texts in %v (%.0f texts/s), %d workers: %.1f MiB written, %.0f bytes per text\n",
		sent.Load(), time.Since(start).Round(time.Millisecond), float64(sent.Load())/time.Since(start).Seconds(), workers,
		float64(w)/(1<<20), float64(w)/float64(sent.Load()))
}

// wchar is how many bytes the process has passed to write calls (bbolt
// writes pages with pwrite), from /proc.
func wchar() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "wchar:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

// report prints the file's size and bbolt's page usage per bucket.
func report(path string, n int) {
	fi, err := os.Stat(path)
	if err != nil {
		log.Fatal(err)
	}
	texts := 3 * n
	fmt.Printf("file %s: %d bytes (%.1f MiB), %d conversations, %d texts\n", path, fi.Size(), float64(fi.Size())/(1<<20), n, texts)
	fmt.Printf("  %.0f bytes per stored text, %.0f bytes per conversation\n", float64(fi.Size())/float64(texts), float64(fi.Size())/float64(n))

	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	err = b.View(func(tx *bolt.Tx) error {
		fmt.Printf("  page size %d, %d pages in the file (tx.Size %d), free pages %d, pending %d\n",
			b.Info().PageSize, tx.Size()/int64(b.Info().PageSize), tx.Size(), b.Stats().FreePageN, b.Stats().PendingPageN)
		fmt.Printf("  %-14s %9s %8s %8s %8s %12s %12s %6s\n", "bucket", "keys", "leaf", "branch", "overflow", "in use", "allocated", "used")
		type row struct {
			name string
			s    bolt.BucketStats
		}
		var rows []row
		var total bolt.BucketStats
		err := tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			s := bk.Stats()
			rows = append(rows, row{string(name), s})
			total.Add(s)
			return nil
		})
		if err != nil {
			return err
		}
		sort.Slice(rows, func(i, j int) bool { return alloc(rows[i].s) > alloc(rows[j].s) })
		rows = append(rows, row{"total", total})
		for _, r := range rows {
			s := r.s
			fmt.Printf("  %-14s %9d %8d %8d %8d %12d %12d %5.0f%%\n", r.name, s.KeyN, s.LeafPageN, s.BranchPageN, s.LeafOverflowN+s.BranchOverflowN,
				s.LeafInuse+s.BranchInuse, alloc(s), 100*float64(s.LeafInuse+s.BranchInuse)/float64(max(alloc(s), 1)))
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
}

func alloc(s bolt.BucketStats) int { return s.LeafAlloc + s.BranchAlloc }

// restart opens the file as serve does, with the start-up claim prune
// running, and times one text.
func restart(path string, n int, pruneAll bool, batch int) {
	ctx := context.Background()
	fmt.Printf("restart: RSS %s before open\n", rss())
	start := time.Now()
	db, err := store.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	opened := time.Since(start)
	fmt.Printf("restart: open %v, RSS %s\n", opened.Round(time.Microsecond), rss())
	t := newTexter(db)

	// serve's start-up prune: claims older than ClaimTTL, in batches of
	// pruneBatch, beside the first text.
	pruned := make(chan string, 1)
	go func() {
		start := time.Now()
		total := 0
		var calls []time.Duration
		for {
			start := time.Now()
			k, err := db.PruneClaims(ctx, time.Now().Add(-48*time.Hour), 1000)
			if err != nil {
				log.Fatal(err)
			}
			calls = append(calls, time.Since(start))
			total += k
			if k < 1000 {
				break
			}
		}
		slices.Sort(calls)
		pruned <- fmt.Sprintf("%d claims in %v, %d calls: median %v, max %v", total, time.Since(start).Round(time.Microsecond),
			len(calls), calls[len(calls)/2].Round(time.Microsecond), calls[len(calls)-1].Round(time.Microsecond))
	}()
	start = time.Now()
	reply, err := t.text(ctx, phone(n/2), "yes")
	if err != nil || len(reply) == 0 {
		log.Fatalf("first text: %q, %v", reply, err)
	}
	fmt.Printf("restart: first text %v (beside the start-up prune), RSS %s\n", time.Since(start).Round(time.Microsecond), rss())
	fmt.Printf("restart: start-up prune: %s, RSS %s\n", <-pruned, rss())
	var lat []time.Duration
	const lone = 200
	written := wchar()
	for i := range lone {
		start := time.Now()
		if _, err := t.text(ctx, phone((n/3+i*7919)%n), "yes"); err != nil {
			log.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	written = wchar() - written
	slices.Sort(lat)
	fmt.Printf("restart: next %d texts one at a time (a commit each): median %v, max %v, %.0f bytes written per text, RSS %s\n",
		lone, lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond), float64(written)/lone, rss())

	if pruneAll {
		var times []time.Duration
		total := 0
		for {
			start := time.Now()
			k, err := db.PruneClaims(ctx, time.Now().Add(time.Hour), batch)
			if err != nil {
				log.Fatal(err)
			}
			times = append(times, time.Since(start))
			total += k
			if k < batch {
				break
			}
		}
		var sum time.Duration
		for _, d := range times {
			sum += d
		}
		slices.Sort(times)
		fmt.Printf("prune all: %d claims in %d calls of up to %d: total %v, per call median %v, p99 %v, max %v, RSS %s\n",
			total, len(times), batch, sum.Round(time.Millisecond), times[len(times)/2].Round(time.Microsecond),
			times[len(times)*99/100].Round(time.Microsecond), times[len(times)-1].Round(time.Microsecond), rss())
	}
	if err := db.Close(); err != nil {
		log.Fatal(err)
	}
}

// rss is the process's resident set size, from /proc.
func rss() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}
