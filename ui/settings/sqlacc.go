package settings

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// SQLAccData is what the SQL Account cards keep in the data file.
type SQLAccData interface {
	// SQLAccConfig is the kept connection (the zero value when never set).
	SQLAccConfig(ctx context.Context) (domain.SQLAccConfig, error)
	// SetSQLAccConfig keeps a connection; it refuses an empty address or key with the reason.
	SetSQLAccConfig(ctx context.Context, c domain.SQLAccConfig) error
	// SQLAccSyncedAt is when the stock items and codes were last pulled (zero: never).
	SQLAccSyncedAt(ctx context.Context) (time.Time, error)
	Codes(ctx context.Context, kind domain.CodeKind) ([]domain.AccountCode, error)
	PostSettings(ctx context.Context) (domain.PostSettings, error)
	SetPostSettings(ctx context.Context, s domain.PostSettings) error
}

// SQLAccLink reaches SQL Account itself; cmd/kedai makes it from the API client.
type SQLAccLink struct {
	// Version asks the API at c for its version: the connection test.
	Version func(ctx context.Context, c domain.SQLAccConfig) (string, error)
	// Pull brings the stock items and codes into the data file over the kept connection; step
	// says what is arriving and how many of it so far.
	Pull func(ctx context.Context, step func(what string, n int)) error
}

// The SigV4 parameters of eStream's own API; an install may use others.
const (
	DefaultRegion  = "ap-southeast-1"
	DefaultService = "execute-api"
)

// Post Order choices as the card words them.
const (
	manualWords = "Manual Post: the orders you select"
	allWords    = "Post All: every unposted order of the tab"
	noTax       = "No tax"
)

// keptWords stand in a key field while a key is kept: the key itself is never shown.
const keptWords = "kept (type a new one to replace it)"

// pullLists is how many lists a sync pulls: the stock items and five kinds of code.
const pullLists = 6

// testTimeout bounds a connection test: an address that swallows packets should not leave
// the card waiting for minutes.
const testTimeout = 30 * time.Second

// SQLAccCard is the SQL Account card (the connection, its test and the sync) and the Posting card
// (how Post Order posts).
type SQLAccCard struct {
	s    *Screen
	data SQLAccData
	link SQLAccLink
	kept domain.SQLAccConfig // as kept in the file, keys included; the keys never reach a widget
	tax  []domain.AccountCode
	stop context.CancelFunc // the running sync

	URL, AccessKey, SecretKey, Region, Service *widget.Entry
	Save, Test, Sync, Cancel                   *widgets.Button
	// Dot and Connection show the last connection test: green with the version, red with the error.
	Dot        *canvas.Circle
	Connection *widget.Label
	// Status says whether the connection was saved, or why not.
	Status *widget.Label
	// Progress, SyncState and SyncedAt follow a sync and say when the last one ended.
	Progress  *widget.ProgressBar
	SyncState *widget.Label
	SyncedAt  *widget.Label
	pulled    []pulledList

	Mode                  *widget.RadioGroup
	Tax                   *widget.Select
	Inclusive, Cancelled  *widget.Check
	SavePosting           *widgets.Button
	PostingStatus         *widget.Label
	card, postingCard     *widget.Card
	enabledWithoutSyncing []fyne.Disableable
}

// pulledList is one list a sync brought and how many of it.
type pulledList struct {
	what string
	n    int
}

func (s *Screen) buildSQLAcc() *SQLAccCard {
	c := &SQLAccCard{s: s}
	c.URL, c.Region, c.Service = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	c.URL.SetPlaceHolder("https://api.sql.my")
	c.Region.SetPlaceHolder(DefaultRegion)
	c.Service.SetPlaceHolder(DefaultService)
	c.AccessKey, c.SecretKey = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	for _, e := range []*widget.Entry{c.URL, c.AccessKey, c.SecretKey, c.Region, c.Service} {
		e.OnSubmitted = func(string) { c.save() }
	}
	form := widget.NewForm(
		widget.NewFormItem("API address", c.URL),
		widget.NewFormItem("Access key", c.AccessKey),
		widget.NewFormItem("Secret key", c.SecretKey),
		widget.NewFormItem("Region", c.Region),
		widget.NewFormItem("Service", c.Service),
	)
	form.Items[0].HintText = "SQL Account's API root, as in the cURL its Test Connection copies"
	form.Items[2].HintText = "Tools › Maintain User › API Secret Key; kept encrypted, never shown"
	form.Items[4].HintText = "The SigV4 region and service of the install (usually as given)"

	c.Save = widgets.NewButton("Save connection", c.save)
	c.Save.Icon = theme.DocumentSaveIcon()
	c.Test = widgets.NewButton("Test Connection", c.test)
	c.Test.Icon = theme.MediaPlayIcon()
	c.Dot = canvas.NewCircle(widgets.BadgeGrey)
	c.Dot.Hide()
	c.Connection = widget.NewLabel("")
	c.Connection.Wrapping = fyne.TextWrapWord
	c.Status = widget.NewLabel("")
	c.Status.Wrapping = fyne.TextWrapWord
	c.Status.Hide()

	c.Sync = widgets.NewButton("Sync from SQL Account", c.sync)
	c.Sync.Icon = theme.ViewRefreshIcon()
	c.Cancel = widgets.NewButton("Cancel", c.cancel)
	c.Cancel.Icon = theme.CancelIcon()
	c.Cancel.Hide()
	c.Progress = widget.NewProgressBar()
	c.Progress.Hide()
	c.SyncState = widget.NewLabel("")
	c.SyncState.Wrapping = fyne.TextWrapWord
	c.SyncState.Hide()
	c.SyncedAt = widget.NewLabel("")
	c.SyncedAt.Wrapping = fyne.TextWrapWord

	dot := container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(12), c.Dot))
	c.card = widget.NewCard("SQL Account", "Where invoices are posted, and where the stock items and codes come from.",
		container.NewVBox(form, container.NewHBox(c.Save, c.Test), c.Status,
			container.NewBorder(nil, nil, dot, nil, c.Connection), widget.NewSeparator(),
			container.NewHBox(c.Sync, c.Cancel), c.Progress, c.SyncState, c.SyncedAt))

	c.Mode = widget.NewRadioGroup([]string{manualWords, allWords}, nil)
	c.Mode.Required = true
	c.Mode.Selected = manualWords
	c.Tax = widget.NewSelect([]string{noTax}, nil)
	c.Tax.Selected = noTax
	c.Inclusive = widget.NewCheck("Marketplace prices include the tax", nil)
	c.Cancelled = widget.NewCheck("Include Cancelled Orders (posted as cancelled invoices)", nil)
	c.SavePosting = widgets.NewButton("Save posting settings", c.savePosting)
	c.SavePosting.Icon = theme.DocumentSaveIcon()
	c.PostingStatus = widget.NewLabel("")
	c.PostingStatus.Wrapping = fyne.TextWrapWord
	c.PostingStatus.Hide()
	posting := widget.NewForm(
		widget.NewFormItem("Post Order", c.Mode),
		widget.NewFormItem("Tax code", c.Tax),
	)
	posting.Items[1].HintText = "On every stock item line; the codes come from the sync"
	c.postingCard = widget.NewCard("Posting to SQL Account", "How Post Order sends orders to SQL Account as sales invoices.",
		container.NewVBox(posting, c.Inclusive, c.Cancelled, container.NewHBox(c.SavePosting), c.PostingStatus))

	c.enabledWithoutSyncing = []fyne.Disableable{c.URL, c.AccessKey, c.SecretKey, c.Region, c.Service, c.Save, c.Test,
		c.Mode, c.Tax, c.Inclusive, c.Cancelled, c.SavePosting}
	c.enable(false)
	c.Sync.Disable()
	return c
}

func (c *SQLAccCard) enable(on bool) {
	for _, w := range c.enabledWithoutSyncing {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// UseSQLAccount connects the SQL Account cards to the data file and to SQL Account.
func (s *Screen) UseSQLAccount(data SQLAccData, link SQLAccLink) {
	c := s.sqlacc
	c.data, c.link = data, link
	c.enable(true)
	if link.Version == nil {
		c.Test.Disable()
	}
	if link.Pull != nil {
		c.Sync.Enable()
	}
}

// SQLAccount is the SQL Account and Posting cards' fields (tests).
func (s *Screen) SQLAccount() *SQLAccCard { return s.sqlacc }

// load shows the kept connection, when the last sync was, the tax codes and the posting settings.
func (c *SQLAccCard) load() {
	if c.data == nil {
		return
	}
	c.s.run.Go(func() func() {
		ctx := context.Background()
		cfg, err := c.data.SQLAccConfig(ctx)
		var at time.Time
		var tax []domain.AccountCode
		var set domain.PostSettings
		if err == nil {
			at, err = c.data.SQLAccSyncedAt(ctx)
		}
		if err == nil {
			tax, err = c.data.Codes(ctx, domain.CodeTax)
		}
		if err == nil {
			set, err = c.data.PostSettings(ctx)
		}
		return func() {
			if err != nil {
				c.say(c.Status, widget.DangerImportance, "Could not read the SQL Account settings: "+err.Error())
				return
			}
			c.showConfig(cfg)
			c.showSyncedAt(at)
			c.showPosting(tax, set)
		}
	})
}

func (c *SQLAccCard) showConfig(cfg domain.SQLAccConfig) {
	c.kept = cfg
	c.URL.SetText(cfg.URL)
	c.Region.SetText(or(cfg.Region, DefaultRegion))
	c.Service.SetText(or(cfg.Service, DefaultService))
	c.AccessKey.SetText("")
	c.SecretKey.SetText("")
	c.AccessKey.SetPlaceHolder(keyPlaceholder(cfg.AccessKey))
	c.SecretKey.SetPlaceHolder(keyPlaceholder(cfg.SecretKey))
}

func keyPlaceholder(kept string) string {
	if kept != "" {
		return keptWords
	}
	return "not set"
}

func or(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

func (c *SQLAccCard) showSyncedAt(at time.Time) {
	if at.IsZero() {
		c.SyncedAt.SetText("Never synced: sync once the connection works, to map SKUs and store codes.")
		return
	}
	c.SyncedAt.SetText("Last synced " + at.In(myt).Format("02 Jan 2006 15:04") + ".")
}

// TaxChoice is a tax code as the select offers it.
func TaxChoice(t domain.AccountCode) string {
	text := t.Code
	if t.Description != "" {
		text += " — " + t.Description
	}
	if t.Rate != 0 {
		text += fmt.Sprintf(" (%s%%)", strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", t.Rate), "0"), "."))
	}
	return text
}

func (c *SQLAccCard) showPosting(tax []domain.AccountCode, set domain.PostSettings) {
	c.tax = tax
	opts := []string{noTax}
	selected := noTax
	for _, t := range tax {
		opts = append(opts, TaxChoice(t))
		if strings.EqualFold(t.Code, set.Tax) {
			selected = TaxChoice(t)
		}
	}
	if set.Tax != "" && selected == noTax {
		// Kept, but no longer among the synced codes: still shown, so saving keeps it.
		c.tax = append(c.tax, domain.AccountCode{Kind: domain.CodeTax, Code: set.Tax, Rate: set.TaxRate})
		selected = TaxChoice(c.tax[len(c.tax)-1])
		opts = append(opts, selected)
	}
	c.Tax.SetOptions(opts)
	c.Tax.SetSelected(selected)
	if set.Mode == domain.PostAll {
		c.Mode.SetSelected(allWords)
	} else {
		c.Mode.SetSelected(manualWords)
	}
	c.Inclusive.SetChecked(set.TaxInclusive)
	c.Cancelled.SetChecked(set.IncludeCancelled)
}

func (c *SQLAccCard) say(l *widget.Label, imp widget.Importance, text string) {
	l.Importance = imp
	l.SetText(text)
	l.Hidden = text == ""
	l.Refresh()
}

// form is the connection as the card shows it: a key field left empty keeps the kept key.
func (c *SQLAccCard) form() domain.SQLAccConfig {
	cfg := domain.SQLAccConfig{
		URL:       strings.TrimSpace(c.URL.Text),
		AccessKey: strings.TrimSpace(c.AccessKey.Text),
		SecretKey: strings.TrimSpace(c.SecretKey.Text),
		Region:    or(strings.TrimSpace(c.Region.Text), DefaultRegion),
		Service:   or(strings.TrimSpace(c.Service.Text), DefaultService),
	}
	if cfg.AccessKey == "" {
		cfg.AccessKey = c.kept.AccessKey
	}
	if cfg.SecretKey == "" {
		cfg.SecretKey = c.kept.SecretKey
	}
	return cfg
}

// save keeps the connection; the data file's refusal is shown and nothing changes.
func (c *SQLAccCard) save() {
	if c.data == nil {
		return
	}
	cfg := c.form()
	c.Save.Disable()
	c.s.run.Go(func() func() {
		err := c.data.SetSQLAccConfig(context.Background(), cfg)
		return func() {
			c.Save.Enable()
			if err != nil {
				c.say(c.Status, widget.DangerImportance, "Not saved: "+err.Error())
				return
			}
			c.showConfig(cfg)
			c.say(c.Status, widget.SuccessImportance, "Connection saved. Test it, then sync the stock items and codes.")
		}
	})
}

// test asks SQL Account for its version with the connection as the card shows it (saved or not).
func (c *SQLAccCard) test() {
	if c.link.Version == nil {
		return
	}
	cfg := c.form()
	if cfg.URL == "" || cfg.AccessKey == "" || cfg.SecretKey == "" {
		c.showConnection(false, "Fill in the API address, the access key and the secret key first.")
		return
	}
	c.Test.Disable()
	c.Dot.Hide()
	c.say(c.Connection, widget.MediumImportance, "Connecting to "+cfg.URL+"…")
	c.s.run.Go(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		version, err := c.link.Version(ctx, cfg)
		return func() {
			c.Test.Enable()
			if err != nil {
				c.showConnection(false, err.Error())
				return
			}
			c.showConnection(true, "Connected: SQL Account "+version)
		}
	})
}

func (c *SQLAccCard) showConnection(ok bool, text string) {
	c.Dot.FillColor = widgets.BadgeRed
	imp := widget.DangerImportance
	if ok {
		c.Dot.FillColor, imp = widgets.BadgeGreen, widget.SuccessImportance
	}
	c.Dot.Show()
	c.Dot.Refresh()
	c.say(c.Connection, imp, text)
}

// Connected reports the last connection test: whether it worked, and what the card says.
func (c *SQLAccCard) Connected() (bool, string) {
	return c.Dot.Visible() && c.Dot.FillColor == widgets.BadgeGreen, c.Connection.Text
}

// sync pulls the stock items and codes, off the UI goroutine, with progress and Cancel.
func (c *SQLAccCard) sync() {
	if c.link.Pull == nil || c.stop != nil {
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	c.stop = stop
	c.pulled = nil
	c.Sync.Disable()
	c.Cancel.Show()
	c.Cancel.Enable()
	c.Progress.SetValue(0)
	c.Progress.TextFormatter = func() string { return c.stepWords() }
	c.Progress.Show()
	c.say(c.SyncState, widget.MediumImportance, "Connecting to SQL Account…")
	c.s.win.Canvas().Focus(c.Cancel)
	c.s.run.Go(func() func() {
		err := c.link.Pull(ctx, func(what string, n int) {
			c.s.run.Apply(func() { c.step(what, n) })
		})
		cancelled := err != nil && (errors.Is(err, context.Canceled) || ctx.Err() != nil)
		stop()
		return func() {
			c.stop = nil
			c.Cancel.Hide()
			c.Sync.Enable()
			c.Progress.Hide()
			switch {
			case cancelled:
				c.say(c.SyncState, widget.WarningImportance, "Sync cancelled. Each list pulled whole before it stopped is kept; the others are as they were.")
			case err != nil:
				c.say(c.SyncState, widget.DangerImportance, "Sync failed: "+err.Error())
			default:
				c.say(c.SyncState, widget.SuccessImportance, pulledWords(c.pulled, time.Now()))
			}
			c.load()
		}
	})
}

// step shows what a sync is pulling.
func (c *SQLAccCard) step(what string, n int) {
	if c.stop == nil {
		return // a late step of a sync already over
	}
	if len(c.pulled) == 0 || c.pulled[len(c.pulled)-1].what != what {
		c.pulled = append(c.pulled, pulledList{what: what})
	}
	c.pulled[len(c.pulled)-1].n = n
	c.Progress.SetValue(float64(len(c.pulled)-1) / pullLists)
	c.say(c.SyncState, widget.MediumImportance, "") // the bar says it
}

func (c *SQLAccCard) stepWords() string {
	if len(c.pulled) == 0 {
		return "…"
	}
	p := c.pulled[len(c.pulled)-1]
	return fmt.Sprintf("Pulling %s: %d so far (list %d of %d)", p.what, p.n, min(len(c.pulled), pullLists), pullLists)
}

// pulledWords says what a sync brought, and when it ended.
func pulledWords(lists []pulledList, at time.Time) string {
	var parts []string
	for _, p := range lists {
		parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
	}
	text := "Synced at " + at.In(myt).Format("15:04")
	if len(parts) > 0 {
		text += ": " + strings.Join(parts, ", ")
	}
	return text + "."
}

// cancel stops the running sync.
func (c *SQLAccCard) cancel() {
	if c.stop != nil {
		c.stop()
		c.Cancel.Disable()
		c.say(c.SyncState, widget.WarningImportance, "Stopping…")
	}
}

// Syncing reports whether a sync is running.
func (c *SQLAccCard) Syncing() bool { return c.stop != nil }

// savePosting keeps how Post Order posts.
func (c *SQLAccCard) savePosting() {
	if c.data == nil {
		return
	}
	set := domain.PostSettings{Mode: domain.PostManual, TaxInclusive: c.Inclusive.Checked, IncludeCancelled: c.Cancelled.Checked}
	if c.Mode.Selected == allWords {
		set.Mode = domain.PostAll
	}
	for _, t := range c.tax {
		if TaxChoice(t) == c.Tax.Selected {
			set.Tax, set.TaxRate = t.Code, t.Rate
		}
	}
	c.SavePosting.Disable()
	c.s.run.Go(func() func() {
		err := c.data.SetPostSettings(context.Background(), set)
		return func() {
			c.SavePosting.Enable()
			if err != nil {
				c.say(c.PostingStatus, widget.DangerImportance, "Not saved: "+err.Error())
				return
			}
			c.say(c.PostingStatus, widget.SuccessImportance, "Posting settings saved; the next Post Order uses them.")
		}
	})
}
