# A monthly consumption budget on the resource group (what a community given
# one group may create), with e-mail alerts at spend thresholds.

resource "azurerm_consumption_budget_resource_group" "this" {
  count             = var.budget == null ? 0 : 1
  name              = "${var.community}-${var.name}"
  resource_group_id = local.resource_group_id
  amount            = var.budget.amount
  time_grain        = "Monthly"

  time_period {
    # Budgets start on the first of a month: the month of the first apply.
    start_date = formatdate("YYYY-MM-01'T'00:00:00Z", plantimestamp())
  }

  dynamic "notification" {
    for_each = var.budget.thresholds
    content {
      enabled        = true
      threshold      = floor(notification.value * 100 + 0.5)
      threshold_type = "Actual"
      operator       = "GreaterThan"
      contact_emails = var.budget.emails
    }
  }

  dynamic "notification" {
    for_each = var.budget.forecast_threshold == null ? [] : [var.budget.forecast_threshold]
    content {
      enabled        = true
      threshold      = floor(notification.value * 100 + 0.5)
      threshold_type = "Forecasted"
      operator       = "GreaterThan"
      contact_emails = var.budget.emails
    }
  }

  lifecycle {
    # The start is fixed once created.
    ignore_changes = [time_period]
  }
}
