package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/demo"
	"github.com/kedai-app/kedai/sync/demo/live"
	"github.com/kedai-app/kedai/sync/engine"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
)

func cmdStore(args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "codes" {
		return cmdStoreCodes(args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: kedai store add|codes --db FILE ... (see kedai help)")
	}
	fs := flags("store add")
	path := fs.String("db", "", "data file (created if missing)")
	platform := fs.String("platform", "", "lazada, shopee or tiktok")
	name := fs.String("name", "", "the store's name in Kedai")
	region := fs.String("region", "MY", "MY, SG, TH, PH, VN or ID")
	baseURL := fs.String("base-url", "", "the platform's API root as its documentation names it")
	authURL := fs.String("auth-url", "", "the sign-in host, when it is not the platform's usual one")
	appKey := fs.String("app-key", "", "Lazada app_key, Shopee partner_id, TikTok app_key")
	appSecret := fs.String("app-secret", "", "the app's secret (kept sealed, never in plain text)")
	shopID := fs.String("shop-id", "", "Shopee shop_id, TikTok shop id, Lazada seller id")
	cipher := fs.String("shop-cipher", "", "TikTok shop_cipher")
	serviceID := fs.String("service-id", "", "TikTok service id (only needed to link again from the window)")
	access := fs.String("access-token", "", "access token")
	refresh := fs.String("refresh-token", "", "refresh token")
	days := fs.Int("days", 3, "how far back the first sync reaches, 1 to 90 days")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	p, err := domain.ParsePlatform(*platform)
	if err != nil {
		return err
	}
	var missing []string
	for flag, v := range map[string]string{"--db": *path, "--name": *name, "--base-url": *baseURL, "--app-key": *appKey,
		"--app-secret": *appSecret, "--access-token": *access, "--refresh-token": *refresh} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, flag)
		}
	}
	if p == domain.Shopee && *shopID == "" {
		missing = append(missing, "--shop-id")
	}
	if p == domain.TikTok && *cipher == "" {
		missing = append(missing, "--shop-cipher")
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(sorted(missing), ", "))
	}
	if u, err := url.Parse(*baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--base-url %q is not an address like %s", *baseURL, engine.DefaultBaseURL(p, *region))
	}
	d, err := db.OpenWith(*path, dbOptions())
	if err != nil {
		return err
	}
	defer d.Close()
	s, err := d.LinkStore(context.Background(), domain.Store{Platform: p, Name: *name, Region: *region, ShopID: *shopID},
		db.Link{BaseURL: *baseURL, AuthURL: *authURL, AppKey: *appKey, ServiceID: *serviceID, Cipher: *cipher},
		db.Secrets{AppSecret: *appSecret, Tokens: market.Tokens{Access: *access, Refresh: *refresh}}, *days, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "linked %s (%s, %s) as store %d; its first sync reaches back %d days\n", s.Name, p.Title(), s.Region, s.ID, *days)
	return nil
}

func sorted(ss []string) []string {
	for i := range ss {
		for j := i + 1; j < len(ss); j++ {
			if ss[j] < ss[i] {
				ss[i], ss[j] = ss[j], ss[i]
			}
		}
	}
	return ss
}

// dbOptions are the data file options of the real program; KEDAI_KEY_DIR keeps the secrets' key
// file somewhere else than the user's config folder (tests, portable installs).
func dbOptions() db.Options {
	var opt db.Options
	if dir := os.Getenv("KEDAI_KEY_DIR"); dir != "" {
		opt.Vault.Dir = dir
		opt.Vault.NoKeychain = true
	}
	return opt
}

func cmdSync(args []string, stdout io.Writer) error {
	fs := flags("sync")
	path := fs.String("db", "", "data file")
	once := fs.Bool("once", false, "run every store once, then stop")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := openFile(*path)
	if err != nil {
		return err
	}
	defer d.Close()
	ctx, stop := interruptible()
	defer stop()
	states, err := d.SyncStates(ctx)
	if err != nil {
		return err
	}
	if len(states) == 0 {
		return errors.New("no store is linked in this file: link one with `kedai store add` or in the window")
	}
	log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
	world, err := live.Start(ctx, d)
	if err != nil {
		return err
	}
	defer world.Stop()
	e := engine.New(d, engine.Options{Log: log, Notify: func(title, body string) {
		log.Warn(title, "detail", body)
	}})
	if *once {
		return e.RunOnce(ctx)
	}
	log.Info("syncing until stopped (Ctrl+C)", "stores", len(states))
	return e.Run(ctx)
}

func cmdSim(args []string, stdout io.Writer) error {
	fs := flags("sim")
	listen := fs.String("listen", "127.0.0.1:0", "address to serve on (127.0.0.1 only)")
	seed := fs.Int64("seed", 1, "random seed")
	orders := fs.Int("orders", 300, "orders per shop to start with")
	quiet := fs.Bool("still", false, "no new orders or changes over time")
	if err := parse(fs, args); err != nil {
		return err
	}
	host, _, _ := strings.Cut(*listen, ":")
	if host != "127.0.0.1" && host != "localhost" {
		return fmt.Errorf("--listen %s: the simulator serves this computer only (127.0.0.1:PORT)", *listen)
	}
	if *orders < 0 || *orders > 200_000 {
		return fmt.Errorf("--orders %d: use 0 to 200000", *orders)
	}
	s := sim.New(sim.Options{Seed: *seed})
	for _, st := range demo.Stores() {
		shop := s.AddStore(st)
		s.AddHistory(st.Platform, shop.ID, *orders) // spread over the last 90 days, in every stage
	}
	base, stopServer, err := s.Listen(*listen)
	if err != nil {
		return err
	}
	defer stopServer()
	ctx, stop := interruptible()
	defer stop()
	if !*quiet {
		s.Live(ctx)
	}
	fmt.Fprintf(stdout, "simulating Lazada, Shopee and TikTok Shop at %s (credentials: %s/_sim/credentials)\n", base, base)
	fmt.Fprintln(stdout, "link its shops with:")
	for _, p := range domain.Platforms {
		app := s.App(p)
		for _, shop := range s.Shops(p) {
			access, refresh, _ := s.Grant(p, shop.ID)
			fmt.Fprintf(stdout, "  kedai store add --db FILE --platform %s --name %q --region %s --base-url %s --app-key %s --app-secret %s --shop-id %s%s --access-token %s --refresh-token %s\n",
				p, shop.Name, shop.Region, base+simPrefix(p), app.Key, app.Secret, shop.ID, cipherFlag(shop.Cipher), access, refresh)
		}
	}
	<-ctx.Done()
	return nil
}

// simPrefix is where the simulator mounts each platform's API root.
func simPrefix(p domain.Platform) string {
	if p == domain.Lazada {
		return "/lazada/rest"
	}
	return "/" + string(p)
}

func cipherFlag(c string) string {
	if c == "" {
		return ""
	}
	return " --shop-cipher " + c
}
