"""The kennisbank: knowledge articles (kennisartikelen) that make one question get one answer at every desk — their
versions, review, search in Dutch, the flags agents raise on them, and which article a contact was answered with."""
