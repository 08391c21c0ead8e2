Import-Module ECSTools
Initialize-ECSAgent -Cluster 'windows-prod' -LoggingDrivers '[json-file, awslogs]'
Initialize-ECSAgent -Cluster 'windows-prod' -LoggingDrivers "[awslogs]" -LoggingDrivers '["json-file",]'
Initialize-ECSAgent -Cluster 'windows-prod' -LoggingDrivers:'{"a":1}' -AwsvpcAdditionalLocalRoutes '["10.0.0.0/16"]'
