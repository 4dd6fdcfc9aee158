# dump: none
.help
.help !pte
.help db
.help nosuch
