# A monthly cost budget with e-mail alerts at spend thresholds, and (where the
# account may) the module's tags activated for cost allocation.

resource "aws_budgets_budget" "this" {
  count        = var.budget == null ? 0 : 1
  name         = "${var.community} on ${var.name}"
  budget_type  = "COST"
  time_unit    = "MONTHLY"
  limit_amount = tostring(var.budget.amount)
  limit_unit   = var.budget.currency_code
  tags         = local.tags

  dynamic "cost_filter" {
    for_each = var.budget.only_community_costs ? [1] : []
    content {
      name   = "TagKeyValue"
      values = [format("user:twoi2chub-community$%s", var.community)]
    }
  }

  dynamic "notification" {
    for_each = var.budget.thresholds
    content {
      comparison_operator        = "GREATER_THAN"
      threshold                  = floor(notification.value * 100 + 0.5)
      threshold_type             = "PERCENTAGE"
      notification_type          = "ACTUAL"
      subscriber_email_addresses = var.budget.emails
    }
  }

  dynamic "notification" {
    for_each = var.budget.forecast_threshold == null ? [] : [var.budget.forecast_threshold]
    content {
      comparison_operator        = "GREATER_THAN"
      threshold                  = floor(notification.value * 100 + 0.5)
      threshold_type             = "PERCENTAGE"
      notification_type          = "FORECASTED"
      subscriber_email_addresses = var.budget.emails
    }
  }
}

resource "aws_ce_cost_allocation_tag" "this" {
  for_each = var.activate_cost_allocation_tags ? toset(["twoi2chub-community", "twoi2chub-cluster", "twoi2chub-hub"]) : toset([])
  tag_key  = each.value
  status   = "Active"
}
