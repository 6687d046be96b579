package stores

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Regions are the ventures the platforms run in.
var Regions = []string{"MY", "SG", "TH", "PH", "VN", "ID"}

// linkDialog is the form, then the wait for the browser, then the result.
type linkDialog struct {
	s        *Screen
	form     domain.LinkRequest
	d        dialog.Dialog
	platform *widgets.EscSelect
	region   *widgets.EscSelect
	name     *widgets.KeyEntry
	appKey   *widgets.KeyEntry
	secret   *widgets.KeyEntry
	service  *widgets.KeyEntry
	days     *widgets.KeyEntry
	baseURL  *widgets.KeyEntry
	message  *widget.Label
	progress *widget.ProgressBarInfinite
	signIn   *widget.Button
	again    *widget.Button
	cancel   context.CancelFunc
	url      string // the sign-in page, once started
}

func newLinkDialog(s *Screen, f domain.LinkRequest) *linkDialog {
	l := &linkDialog{s: s, form: f}
	var titles []string
	for _, p := range domain.Platforms {
		titles = append(titles, p.Title())
	}
	// Escape closes the dialog from its lists and fields (each keeps the keyboard it has).
	hide := func() { l.d.Hide() }
	entry := func() *widgets.KeyEntry {
		e := widgets.NewKeyEntry()
		e.OnKey = func(ev *fyne.KeyEvent) bool {
			if ev.Name == fyne.KeyEscape {
				hide()
				return true
			}
			return false
		}
		return e
	}
	l.platform = widgets.NewEscSelect(hide, func(string) { l.platformChanged() })
	l.platform.Options = titles
	l.region = widgets.NewEscSelect(hide, nil)
	l.region.Options = Regions
	l.name = entry()
	l.name.SetPlaceHolder("How you call this store, e.g. Butik Ayu Shopee")
	l.appKey = entry()
	l.secret = entry()
	l.secret.Password = true
	l.service = entry()
	l.days = entry()
	l.days.SetText("3")
	l.baseURL = entry()
	l.baseURL.SetPlaceHolder("the platform's own (change only for a simulator)")
	l.message = widget.NewLabel("")
	l.message.Wrapping = fyne.TextWrapWord
	l.progress = widget.NewProgressBarInfinite()
	l.progress.Hide()
	l.progress.Stop()
	l.signIn = widget.NewButton("Sign in", l.start)
	l.signIn.Importance = widget.HighImportance
	l.again = widget.NewButton("Open the sign-in page again", func() {
		if l.url != "" {
			l.open(l.url)
		}
	})
	l.again.Hide()

	if f.Platform == "" {
		f.Platform = domain.Shopee
	}
	if f.Region == "" {
		f.Region = "MY"
	}
	l.platform.SetSelected(f.Platform.Title())
	l.region.SetSelected(f.Region)
	l.name.SetText(f.Name)
	if f.Relink != 0 {
		l.platform.Disable()
		l.name.Disable()
		l.region.Disable()
	}
	form := widget.NewForm(
		widget.NewFormItem("Platform", l.platform),
		widget.NewFormItem("Region", l.region),
		widget.NewFormItem("Store name", l.name),
		widget.NewFormItem("App key", l.appKey),
		widget.NewFormItem("App secret", l.secret),
		widget.NewFormItem("Service ID", l.service),
		widget.NewFormItem("First sync (days back)", l.days),
		widget.NewFormItem("API address", l.baseURL),
	)
	form.Items[6].HintText = "1 to 90; the last 3 days unless you need more history"
	form.Items[5].HintText = "TikTok Shop only: Partner Center › App › Service ID"
	title := "Link a store"
	l.message.SetText("Before you sign in, register " + s.syncer.Redirect() + " as the redirect (callback) URL of your app in the platform's developer console.")
	if f.Relink != 0 {
		title = "Link " + f.Name + " again"
		l.message.SetText("The store's sign-in expired. Sign in again with the same shop account; its orders and settings stay.")
	}
	content := container.NewVBox(form, l.message, l.progress, container.NewHBox(l.signIn, l.again))
	l.d = dialog.NewCustom(title, "Close", content, s.win)
	l.d.SetOnClosed(func() {
		if l.cancel != nil {
			l.cancel()
		}
	})
	l.d.Resize(fyne.NewSize(640, 600))
	l.platformChanged()
	return l
}

func (l *linkDialog) show() {
	l.d.Show()
	if l.form.Relink != 0 {
		l.s.win.Canvas().Focus(l.appKey)
	} else {
		l.s.win.Canvas().Focus(l.name)
	}
}

func (l *linkDialog) selectedPlatform() domain.Platform {
	for _, p := range domain.Platforms {
		if p.Title() == l.platform.Selected {
			return p
		}
	}
	return domain.Shopee
}

func (l *linkDialog) platformChanged() {
	if l.service == nil {
		return
	}
	if l.selectedPlatform() == domain.TikTok {
		l.service.Enable()
	} else {
		l.service.SetText("")
		l.service.Disable()
	}
	if l.signIn != nil {
		l.signIn.SetText("Sign in with " + l.selectedPlatform().Title())
	}
}

// read collects the form; the engine checks it too, but obvious slips are caught here, in place.
func (l *linkDialog) read() (domain.LinkRequest, error) {
	f := domain.LinkRequest{
		Platform: l.selectedPlatform(), Name: strings.TrimSpace(l.name.Text), Region: l.region.Selected,
		AppKey: strings.TrimSpace(l.appKey.Text), AppSecret: strings.TrimSpace(l.secret.Text),
		ServiceID: strings.TrimSpace(l.service.Text), BaseURL: strings.TrimSpace(l.baseURL.Text), Relink: l.form.Relink,
	}
	f.InitialDays = atoiOr(l.days.Text, -1)
	switch {
	case f.Name == "":
		return f, errors.New("Give the store a name.")
	case f.AppKey == "" || f.AppSecret == "":
		return f, errors.New("The app key and app secret are both needed: they are in the platform's developer console.")
	case f.InitialDays < 1 || f.InitialDays > 90:
		return f, fmt.Errorf("The first sync reaches back 1 to 90 days, not %q.", l.days.Text)
	}
	return f, nil
}

func (l *linkDialog) setBusy(busy bool) {
	if busy {
		l.signIn.Disable()
		l.progress.Show()
		l.progress.Start()
		l.again.Show()
	} else {
		l.signIn.Enable()
		l.progress.Stop()
		l.progress.Hide()
		l.again.Hide()
	}
}

func (l *linkDialog) open(u string) {
	if l.s.OpenURL == nil {
		return
	}
	if err := l.s.OpenURL(u); err != nil {
		l.message.SetText("Could not open the browser (" + err.Error() + "). Open this address yourself:\n" + u)
	}
}

// start begins the sign-in: the browser opens the platform's page, and the dialog waits.
func (l *linkDialog) start() {
	f, err := l.read()
	if err != nil {
		l.message.SetText(err.Error())
		return
	}
	l.message.SetText("")
	l.setBusy(true)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	l.cancel = cancel
	l.s.run.Go(func() func() {
		url, wait, stop, err := l.s.syncer.BeginLink(ctx, f)
		if err != nil {
			cancel()
			return func() { l.setBusy(false); l.message.SetText(err.Error()) }
		}
		return func() {
			l.url = url
			l.cancel = func() { stop(); cancel() }
			l.message.SetText(fmt.Sprintf("Sign in with your %s seller account in the browser and allow Kedai. This window waits for you.", f.Platform.Title()))
			l.open(url)
			l.wait(ctx, wait)
		}
	})
}

func (l *linkDialog) wait(ctx context.Context, wait func(context.Context) (domain.Store, error)) {
	l.s.run.Go(func() func() {
		store, err := wait(ctx)
		return func() {
			l.setBusy(false)
			if err != nil {
				l.message.SetText(err.Error())
				return
			}
			l.message.SetText(fmt.Sprintf("%s is linked. Its first sync is running.", store.Name))
			l.s.Reload()
			l.d.Hide()
		}
	})
}
