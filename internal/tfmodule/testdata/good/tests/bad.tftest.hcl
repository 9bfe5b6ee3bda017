provider "null" {}

variables {
  name = "hub"
}

run "fine" {
  command = plan
}

run "short_name" {
  command = plan
  variables {
    name = "x"
  }
  expect_failures = [var.name]
}

run "reserved" {
  command = plan
  variables {
    name  = "admin"
    pools = { a = { max = 1 } }
  }
  expect_failures = [
    null_resource.this,
  ]
}
