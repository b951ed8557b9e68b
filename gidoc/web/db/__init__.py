"""The service's database: tables (:mod:`.schema`), queries (:mod:`.store`), connections
(:mod:`.engine`) and migrations with the online backup (:mod:`.migrate`)."""
