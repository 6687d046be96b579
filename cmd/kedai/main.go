// Command kedai is the Kedai desktop back office. With no subcommand it opens the window; the
// subcommands script the same work for administrators and tests (see ../../README.md).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand: it parses its own flags from args.
type command struct {
	name  string
	usage string
	run   func(args []string, stdout io.Writer) error
}

func commands() []command {
	return []command{
		{"demo", "demo --db FILE [--orders N] [--seed N]   create a demo workspace", cmdDemo},
		{"orders", "orders --db FILE [--tab SLUG] [--search Q] [--json]   list orders", cmdOrders},
		{"store", "store add --db FILE --platform lazada|shopee|tiktok --name NAME --region MY --base-url URL --app-key K --app-secret S [--shop-id ID] [--shop-cipher C] --access-token T --refresh-token R [--days N]\n       kedai store codes --db FILE --store NAME --customer CODE [--location L] [--project P] [--voucher ITEM] [--discount ITEM] [--shipping ITEM] [--fee ITEM] [--payment METHOD]", cmdStore},
		{"sync", "sync --db FILE [--once]   sync the linked stores headless", cmdSync},
		{"sim", "sim --listen ADDR [--seed N] [--orders N]   run the marketplace simulators", cmdSim},
		{"action", "action pack|to-ship|repack|deliver --db FILE --orders NO,NO [--shipping pickup|dropoff]", cmdAction},
		{"print", "print picklist|picklist-summary|awb|manifest --db FILE (--orders NO,NO | --tab SLUG) (--printer NAME | --out FILE.pdf) [--page a4|a6|4x6] [--order date|store|sku] [--label thermal|normal] [--format pdf|zpl]", cmdPrint},
		{"export", "export --db FILE (--orders NO,NO | --tab SLUG) --out FILE.xlsx   orders to Excel", cmdExport},
		{"sqlacc", "sqlacc set --db FILE --url URL --access-key K --secret-key S [--region R] [--service S]\n       kedai sqlacc sync --db FILE   pull stock items, customers, locations, projects, taxes, payment methods", cmdSQLAcc},
		{"map", "map --db FILE --sku SKU --stock CODE [--uom UOM]   map a platform SKU to a stock item\n       kedai map auto --db FILE [--yes]   list automatic matches; --yes applies them", cmdMap},
		{"post", "post --db FILE [--tab shipped|delivered|completed] [--orders NO,NO] [--include-cancelled]   post orders to SQL Account as invoices", cmdPost},
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name := args[0]
		if name == "help" {
			usage(stdout)
			return 0
		}
		for _, c := range commands() {
			if c.name == name {
				err := c.run(args[1:], stdout)
				if errors.Is(err, flag.ErrHelp) {
					fmt.Fprintln(stdout, "usage: kedai "+c.usage)
					return 0
				}
				if err != nil {
					fmt.Fprintf(stderr, "kedai %s: %s\n", name, oneLine(err))
					return 1
				}
				return 0
			}
		}
		fmt.Fprintf(stderr, "kedai: unknown command %q (try: kedai help)\n", name)
		return 2
	}
	if err := runWindow(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "kedai: %s\n", oneLine(err))
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: kedai [--db FILE] [--screen orders]   open the desktop app")
	for _, c := range commands() {
		fmt.Fprintln(w, "       kedai "+c.usage)
	}
}

// oneLine keeps an error to the single line the command-line contract promises.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// flags makes a flag set that reports errors to the caller instead of printing usage.
func flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses flags and refuses stray arguments, which are always a mistake here.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
