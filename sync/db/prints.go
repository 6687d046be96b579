package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// AddPrintJob records a document printed or saved, and returns its id.
func (d *DB) AddPrintJob(ctx context.Context, j domain.PrintJob) (int64, error) {
	if j.At.IsZero() {
		j.At = time.Now()
	}
	var id int64
	err := d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO print_jobs (at, document, title, orders, printer, job_id, state, message, file)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			j.At.UTC().UnixMilli(), string(j.Document), j.Title, j.Orders, j.Printer, j.JobID, j.State, j.Message, j.File)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// PrintJobs lists the print history, newest first, at most limit.
func (d *DB) PrintJobs(ctx context.Context, limit int) ([]domain.PrintJob, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT `+printJobColumns+` FROM print_jobs ORDER BY at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, explain(d.path, err)
	}
	defer rows.Close()
	var out []domain.PrintJob
	for rows.Next() {
		j, err := scanPrintJob(rows)
		if err != nil {
			return nil, explain(d.path, err)
		}
		out = append(out, j)
	}
	return out, explain(d.path, rows.Err())
}

// PrintJob reads one entry of the print history.
func (d *DB) PrintJob(ctx context.Context, id int64) (domain.PrintJob, error) {
	j, err := scanPrintJob(d.r.QueryRowContext(ctx, `SELECT `+printJobColumns+` FROM print_jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("print job %d is not in the history", id)
	}
	return j, explain(d.path, err)
}

const printJobColumns = `id, at, document, title, orders, printer, job_id, state, message, file`

func scanPrintJob(r interface{ Scan(...any) error }) (domain.PrintJob, error) {
	var j domain.PrintJob
	var at int64
	var doc string
	err := r.Scan(&j.ID, &at, &doc, &j.Title, &j.Orders, &j.Printer, &j.JobID, &j.State, &j.Message, &j.File)
	j.At = time.UnixMilli(at).UTC()
	j.Document = domain.Document(doc)
	return j, err
}
