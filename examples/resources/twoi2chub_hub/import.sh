# <namespace>/<release> of the running hub.
terraform import twoi2chub_hub.hackweek hackweek/hub
