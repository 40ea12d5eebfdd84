package wasm

// textfix: the module is instantiated on first use, not at program start,
// so a program that links go-graphviz pays nothing until it draws, and a
// compilation cache it cannot use (upstream's /tmp/go-graphviz, owned by
// another user) no longer panics at start.

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/tetratelabs/wazero"
)

var (
	loadOnce sync.Once
	loadErr  error
	// hooks run after the module is instantiated, in the order the
	// packages of this module registered them (their init, which does no
	// work of its own).
	hooks []func(context.Context) error
)

// OnLoad registers f to run once the module is instantiated. Packages of
// this module call it from init, in place of the work upstream did there.
func OnLoad(f func(context.Context) error) { hooks = append(hooks, f) }

// Load instantiates the module and runs the hooks, once per process; later
// calls return the first call's error. cacheDir, when not empty, keeps
// wazero's compiled code between processes; when it cannot be used, Load
// compiles without a cache instead of failing.
func Load(ctx context.Context, cacheDir string) error {
	loadOnce.Do(func() {
		var cache wazero.CompilationCache
		if cacheDir != "" {
			if err := os.MkdirAll(cacheDir, 0o700); err == nil {
				cache, _ = wazero.NewCompilationCacheWithDir(cacheDir)
			}
		}
		loadErr = instantiate(cache)
		if loadErr != nil && cache != nil {
			loadErr = instantiate(nil) // the cache, not the module, failed
		}
		for _, h := range hooks {
			if loadErr != nil {
				return
			}
			loadErr = h(ctx)
		}
	})
	return loadErr
}

func instantiate(cache wazero.CompilationCache) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("graphviz: instantiate WebAssembly: %v", r)
		}
	}()
	load(cache)
	return nil
}
