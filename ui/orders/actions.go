package orders

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Actions carries out fulfilment actions (the engine: it checks them with the same rules, queues
// them and sends them).
type Actions interface {
	widgets.Jobs
	Submit(ctx context.Context, a domain.Action, ids []int64, ship domain.Shipping) (int64, []domain.Refusal, error)
	StoresWithoutShipping(ctx context.Context, ids []int64) ([]domain.Store, error)
	SetStoreShipping(ctx context.Context, storeID int64, s domain.Shipping) error
	StoreShipping(ctx context.Context, storeID int64) (domain.Shipping, bool, error)
	ShippingChoices(ctx context.Context, orderID int64) (domain.ShippingChoices, error)
}

// implemented are the actions this version carries out (the others arrive with printing,
// cancellations and posting).
var implemented = []domain.Action{domain.ActPack, domain.ActToShip, domain.ActRepack, domain.ActMarkDelivered}

// actionBar holds a button per action, shown on the tabs that offer it.
func (s *Screen) actionBar() fyne.CanvasObject {
	s.actionButtons = map[domain.Action]*widgets.Button{}
	var objs []fyne.CanvasObject
	for _, a := range implemented {
		b := widgets.NewButton(a.Title(), func() { s.RunAction(a) })
		b.Importance = widget.HighImportance
		s.actionButtons[a] = b
		objs = append(objs, b)
	}
	post := widgets.NewButton(domain.ActPost.Title(), func() { s.PostOrders() })
	post.Icon = theme.UploadIcon()
	post.Importance = widget.HighImportance
	s.actionButtons[domain.ActPost] = post
	objs = append(objs, post)
	for _, a := range []domain.Action{domain.ActPickList, domain.ActPrintAWB, domain.ActManifest} {
		b := widgets.NewButton(a.Title(), func() { s.Print(printed[a]) })
		b.Icon = theme.DocumentPrintIcon()
		s.actionButtons[a] = b
		objs = append(objs, b)
	}
	export := widgets.NewButton("Export", func() { s.Export() })
	export.Icon = theme.DownloadIcon()
	objs = append(objs, export)
	return container.NewHBox(objs...)
}

// showActions shows the current tab's actions.
func (s *Screen) showActions() {
	offered := map[domain.Action]bool{}
	for _, a := range domain.TabActions(s.q.Tab) {
		offered[a] = true
	}
	offered[domain.ActPost] = offered[domain.ActPost] && s.Posting != nil
	for a, b := range s.actionButtons {
		if offered[a] {
			b.Show()
		} else {
			b.Hide()
		}
	}
	if offered[domain.ActPost] {
		s.posting.box.Show()
	} else {
		s.posting.box.Hide()
	}
}

// RunAction takes an action on the selected orders: it asks how a store ships when packing needs
// it and the store has no usual choice, confirms a bulk action, submits, and follows the job.
func (s *Screen) RunAction(a domain.Action) {
	s.run.Go(func() func() {
		ctx := context.Background()
		ids, err := s.Selected(ctx)
		var need []domain.Store
		if err == nil && a == domain.ActPack && len(ids) > 0 {
			need, err = s.actions.StoresWithoutShipping(ctx, ids)
		}
		return func() {
			switch {
			case err != nil:
				s.showError(fmt.Errorf("%s: %w", a.Title(), err))
			case len(ids) == 0:
				s.showError(fmt.Errorf("select the orders to %s first (Space or their checkboxes)", a.Title()))
			case len(ids) > maxJob:
				s.showError(fmt.Errorf("%s selected: one action takes at most %s orders", widgets.Thousands(len(ids)), widgets.Thousands(maxJob)))
			default:
				s.hideError()
				s.askShipping(need, func() { s.confirm(a, ids) })
			}
		}
	})
}

// Exporter writes orders to an Excel file.
type Exporter interface {
	Export(ctx context.Context, ids []int64, path string) error
}

// maxJob matches the engine's limit, to say so before anything is queued.
const maxJob = 5000

// askShipping asks, store by store, how parcels reach the courier, remembers it for the store,
// then goes on.
func (s *Screen) askShipping(stores []domain.Store, then func()) {
	if len(stores) == 0 {
		then()
		return
	}
	st := stores[0]
	choice := widgets.NewShippingMethod("")
	text := widget.NewLabel(fmt.Sprintf("How do %s's parcels reach the courier? Kedai remembers it for this store; you can change it in Stores.", st.Name))
	text.Wrapping = fyne.TextWrapWord
	s.shippingDialog = widgets.Confirm(s.win, "Shipping for "+st.Name, "Remember and go on", "Cancel",
		container.NewVBox(text, choice.RadioGroup), func(ok bool) {
			if !ok {
				return
			}
			ship := choice.Shipping()
			s.run.Go(func() func() {
				err := s.actions.SetStoreShipping(context.Background(), st.ID, ship)
				return func() {
					if err != nil {
						s.showError(err)
						return
					}
					s.askShipping(stores[1:], then)
				}
			})
		})
	s.shippingDialog.Resize(fyne.NewSize(520, 260))
}

// confirm asks before acting on more than one order, then submits.
func (s *Screen) confirm(a domain.Action, ids []int64) {
	if len(ids) == 1 {
		s.submit(a, ids)
		return
	}
	s.confirmDialog = widgets.Ask(s.win, a.Title(), fmt.Sprintf("%s %s orders?", a.Title(), widgets.Thousands(len(ids))), "Yes", "No", func(ok bool) {
		if ok {
			s.submit(a, ids)
		}
	})
}

// Submit takes an action on the given orders at once (no questions) and follows it in the job
// dialog, as the toolbar does after its questions.
func (s *Screen) Submit(a domain.Action, ids []int64) { s.submit(a, ids) }

func (s *Screen) submit(a domain.Action, ids []int64) {
	s.run.Go(func() func() {
		job, refused, err := s.actions.Submit(context.Background(), a, ids, domain.Shipping{})
		return func() {
			if err != nil {
				s.showError(fmt.Errorf("%s: %w", a.Title(), err))
				return
			}
			s.selected.clear()
			s.showSelection()
			s.job = widgets.ShowJob(s.win, s.run, s.actions, fmt.Sprintf("%s: %s orders", a.Title(), widgets.Thousands(len(ids))), job, refused)
			j := s.job
			j.OnFinished = func(domain.JobProgress) { s.DataChanged() }
			j.OnClosed = func() { // closed while running: the rows show "Packing…" until it ends
				if !j.Progress().Finished() {
					s.DataChanged()
				}
			}
			s.DataChanged() // the counts now; the rows behind the dialog when it ends
		}
	})
}

// Job is the last bulk action's dialog (for tests and the shell).
func (s *Screen) Job() *widgets.JobDialog { return s.job }

// printed are the toolbar's printing actions and the document each makes.
var printed = map[domain.Action]domain.Document{
	domain.ActPickList: domain.DocPickingList,
	domain.ActPrintAWB: domain.DocAWB,
	domain.ActManifest: domain.DocManifest,
}

// Print opens the print dialog for the document: for the selected orders, or for the whole tab
// (after asking) when none is selected.
func (s *Screen) Print(doc domain.Document) {
	if s.Printing == nil {
		s.showError(fmt.Errorf("%s: printing is not set up in this window", doc.Title()))
		return
	}
	s.withOrders(doc.Title(), func(ids []int64) {
		s.printDialog = widgets.ShowPrint(s.win, s.run, s.Printing, doc, ids)
	})
}

// Export writes the selected orders (or, after asking, the whole tab) to an Excel file the user
// chooses.
func (s *Screen) Export() {
	if s.Exporter == nil {
		s.showError(errors.New("export is not set up in this window"))
		return
	}
	s.withOrders("Export", func(ids []int64) {
		fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				return
			}
			path := w.URI().Path()
			w.Close()
			s.ExportTo(ids, path)
		}, s.win)
		fd.SetFileName(fmt.Sprintf("kedai-%s-orders.xlsx", s.q.Tab.Slug()))
		fd.Show()
	})
}

// ExportTo writes the orders to an Excel file at path, off the UI goroutine, and says how it went.
func (s *Screen) ExportTo(ids []int64, path string) {
	s.run.Go(func() func() {
		err := s.Exporter.Export(context.Background(), ids, path)
		return func() {
			if err != nil {
				s.showError(fmt.Errorf("Export: %w", err))
				return
			}
			s.hideError()
			dialog.ShowInformation("Export", fmt.Sprintf("Exported %s orders to %s.", widgets.Thousands(len(ids)), path), s.win)
		}
	})
}

// withOrders runs then with the selected orders, or with every order of the tab once the user
// agrees when none is selected.
func (s *Screen) withOrders(what string, then func(ids []int64)) {
	s.run.Go(func() func() {
		ctx := context.Background()
		ids, err := s.Selected(ctx)
		whole := false
		if err == nil && len(ids) == 0 {
			ids, err = s.src.OrderIDs(ctx, s.q)
			whole = true
		}
		return func() {
			switch {
			case err != nil:
				s.showError(fmt.Errorf("%s: %w", what, err))
			case len(ids) == 0:
				s.showError(fmt.Errorf("%s: the %s tab has no orders", what, s.q.Tab.Title()))
			case whole:
				s.confirmDialog = widgets.Ask(s.win, what, fmt.Sprintf("No orders are selected. %s all %s orders on %s?", what, widgets.Thousands(len(ids)), s.q.Tab.Title()), "Yes", "No", func(ok bool) {
					if ok {
						then(ids)
					}
				})
			default:
				s.hideError()
				then(ids)
			}
		}
	})
}

// PrintDialog is the last print dialog opened (tests).
func (s *Screen) PrintDialog() *widgets.PrintDialog { return s.printDialog }
