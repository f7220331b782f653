# A technician's trust-score evidence in German: one line per fact, as feedback/explain.py picks it.
# Variables as in the English file. The job is named "Auftrag vom <job-time>" ("vom 3. Dez., 14:05 Uhr").

job-time = { $day }. { $month ->
    [1] Jan.
    [2] Feb.
    [3] März
    [4] Apr.
    [5] Mai
    [6] Juni
    [7] Juli
    [8] Aug.
    [9] Sept.
    [10] Okt.
    [11] Nov.
   *[12] Dez.
}, { $time } Uhr

duration-minutes = { $minutes } Min.
duration-minutes-seconds = { $minutes } Min. { $seconds } Sek.
duration-seconds = { $seconds } Sek.

comment-rude = Sie unhöflich waren
comment-damage = das Auto beschädigt wurde
and-joined = { $first } und { $second }

evidence-comment = Im Kommentar zum Auftrag vom { $job } schrieb der Fahrer, dass { $said }.
evidence-rating = Mit { $stars } von 5 Sternen bewertet: Auftrag vom { $job }.
evidence-stalled = Auf dem Weg zum Auftrag vom { $job } kamen Sie dem Fahrer nicht näher.
evidence-stalled-for = Auf dem Weg zum Auftrag vom { $job } kamen Sie dem Fahrer { $duration } lang nicht näher.
evidence-early = Pünktlich beim Auftrag vom { $job } ({ $duration } vor der zugesagten Zeit).
evidence-within = Pünktlich beim Auftrag vom { $job } ({ $duration } nach der zugesagten Zeit, innerhalb der erlaubten { $tolerance }).
evidence-late = { $duration } zu spät beim Auftrag vom { $job }.
evidence-towed = Auto abgeschleppt beim Auftrag vom { $job }, wie nötig.
evidence-fixed = Vor Ort repariert beim Auftrag vom { $job }.
evidence-not-fixed = Vor Ort nicht repariert beim Auftrag vom { $job }.
evidence-reassigned = Der Auftrag vom { $job } ging an einen anderen Techniker.
evidence-cancelled-early = Nicht gegen Sie gewertet: Der Fahrer stornierte den Auftrag vom { $job } vor der zugesagten Ankunft.
evidence-cancelled-late = Der Fahrer gab den Auftrag vom { $job } auf, als die zugesagte Ankunft schon vorbei war.
evidence-saw-through = Auftrag vom { $job } zu Ende gebracht.
evidence-offer-accepted = Angebot vom { $offer } angenommen.
evidence-offer-expired = Angebot vom { $offer } ohne Antwort verfallen lassen.
evidence-offer-declined = Angebot vom { $offer } abgelehnt.

change-offer_accepted = Sie haben ein Angebot angenommen
change-offer_declined = Sie haben ein Angebot abgelehnt
change-offer_expired = Ein Angebot ist ohne Antwort verfallen
change-rating = Ein Fahrer hat einen Auftrag bewertet
change-comment = Der Kommentar eines Fahrers wurde gelesen
change-stalled = Eine Anfahrt kam nicht mehr voran
change-reassigned_away = Ein Auftrag ging an einen anderen Techniker
change-arrived = Sie sind bei einem Auftrag angekommen
change-completed = Sie haben einen Auftrag abgeschlossen
change-failed = Ein Auftrag endete ohne Reparatur
change-cancelled = Ein Auftrag wurde storniert
change-past_jobs = Ihre bisherigen Aufträge wurden gezählt
