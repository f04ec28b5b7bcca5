package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newWatchCmd() *cobra.Command {
	return &cobra.Command{Use: "watch", RunE: func(*cobra.Command, []string) error { return errors.New("watch: not implemented yet") }}
}
