Initialize-ECSAgent -Cluster "a`"b" -X:$true @"
here
"@ <# c #> $v = 1
