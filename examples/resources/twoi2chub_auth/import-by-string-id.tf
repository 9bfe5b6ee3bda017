import {
  to = twoi2chub_auth.github
  id = "hackweek/github"
}
