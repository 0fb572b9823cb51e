// Package collector plays Katib's file metrics collector (the sidecar beside a trial's training container):
// training log lines parsed with Katib's own metrics-collector code, early-stopping rules applied to them
// while the log is read, and the collected log stored with the DB manager's ReportObservationLog.
package collector

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	commonv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/common/v1beta1"
	managerapi "github.com/kubeflow/katib/pkg/apis/manager/v1beta1"
	filemc "github.com/kubeflow/katib/pkg/metricscollector/v1beta1/file-metricscollector"
)

// StopLine applies a trial's early-stopping rules to its log as Katib v0.19.0's file metrics collector does
// (cmd/metricscollector/v1beta1/file-metricscollector, which exports none of it, so the behaviour is restated
// here): only lines naming a rule's metric count; the objective metric is replaced by its best value so far
// (lowest when minimising); a rule with a start step is compared once, at exactly that many reports of its
// metric, and a rule without one at every report; a rule whose comparison holds is done; when every rule is
// done the training is stopped. It returns how many lines the trial printed before it was stopped, and
// whether it was.
func StopLine(lines []string, rules []commonv1beta1.EarlyStoppingRule, objective *commonv1beta1.ObjectiveSpec, filters []string) (int, bool) {
	if len(rules) == 0 {
		return len(lines), false
	}
	remaining := append([]commonv1beta1.EarlyStoppingRule(nil), rules...)
	stepsLeft := map[string]int{}
	for _, rule := range rules {
		if rule.StartStep != 0 {
			stepsLeft[rule.Name] = rule.StartStep
		}
	}
	var best *float64
	for index, line := range lines {
		named := false
		for _, rule := range remaining {
			named = named || strings.Contains(line, rule.Name)
		}
		if !named {
			continue
		}
		for _, pattern := range filemc.GetFilterRegexpList(filters) {
			for _, match := range pattern.FindAllStringSubmatch(line, -1) {
				if len(match) < 3 {
					continue
				}
				name := strings.TrimSpace(match[1])
				value, err := strconv.ParseFloat(strings.TrimSpace(match[2]), 64)
				if err != nil {
					continue
				}
				for i := 0; i < len(remaining); i++ {
					rule := remaining[i]
					if rule.Name != name {
						continue
					}
					if name == objective.ObjectiveMetricName {
						if best == nil || (objective.Type == commonv1beta1.ObjectiveTypeMaximize && value > *best) ||
							(objective.Type == commonv1beta1.ObjectiveTypeMinimize && value < *best) {
							best = &value
						}
						value = *best
					}
					if _, counted := stepsLeft[name]; counted {
						stepsLeft[name]--
						if stepsLeft[name] != 0 {
							continue
						}
					}
					limit, _ := strconv.ParseFloat(rule.Value, 64)
					if (rule.Comparison == commonv1beta1.ComparisonTypeEqual && value == limit) ||
						(rule.Comparison == commonv1beta1.ComparisonTypeLess && value < limit) ||
						(rule.Comparison == commonv1beta1.ComparisonTypeGreater && value > limit) {
						remaining = append(remaining[:i], remaining[i+1:]...)
						i--
					}
				}
			}
		}
		if len(remaining) == 0 {
			return index + 1, true
		}
	}
	return len(lines), false
}

// Report parses the lines the trial printed with Katib's metrics-collector code (text format, the
// Experiment's filters or Katib's default one) and stores the result with ReportObservationLog.
func Report(ctx context.Context, db managerapi.DBManagerClient, dir, trialName string, lines []string, metricNames, filters []string) (*managerapi.ObservationLog, error) {
	file := filepath.Join(dir, trialName+".log")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}
	log, err := filemc.CollectObservationLog(file, metricNames, filters, commonv1beta1.TextFormat)
	if err != nil {
		return nil, err
	}
	if _, err := db.ReportObservationLog(ctx, &managerapi.ReportObservationLogRequest{TrialName: trialName, ObservationLog: log}); err != nil {
		return nil, err
	}
	return log, nil
}
