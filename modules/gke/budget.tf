# A monthly budget on the project, with e-mail alerts at spend thresholds.

resource "google_monitoring_notification_channel" "budget" {
  for_each     = var.budget == null ? toset([]) : toset(var.budget.emails)
  project      = var.project_id
  display_name = "Budget alerts for ${var.community} (${each.value})"
  type         = "email"
  labels       = { email_address = each.value }
  user_labels  = local.labels
}

resource "google_billing_budget" "this" {
  count           = var.budget == null ? 0 : 1
  billing_account = var.budget.billing_account
  display_name    = "${var.community} on ${var.name}"

  budget_filter {
    # By number: the API stores a project ID as its number, which would show
    # as a change on every plan.
    projects               = ["projects/${var.budget.project_number}"]
    credit_types_treatment = "INCLUDE_ALL_CREDITS"
  }

  amount {
    specified_amount {
      currency_code = var.budget.currency_code
      units         = tostring(var.budget.amount)
    }
  }

  dynamic "threshold_rules" {
    for_each = var.budget.thresholds
    content {
      threshold_percent = threshold_rules.value
      spend_basis       = "CURRENT_SPEND"
    }
  }

  dynamic "threshold_rules" {
    for_each = var.budget.forecast_threshold == null ? [] : [var.budget.forecast_threshold]
    content {
      threshold_percent = threshold_rules.value
      spend_basis       = "FORECASTED_SPEND"
    }
  }

  all_updates_rule {
    monitoring_notification_channels = [for e in var.budget.emails : google_monitoring_notification_channel.budget[e].id]
    disable_default_iam_recipients   = !var.budget.notify_billing_admins
  }
}
