resource "null_resource" "this" {
  lifecycle {
    precondition {
      condition     = var.name != "admin"
      error_message = "name ${var.name} is reserved."
    }
  }
}
