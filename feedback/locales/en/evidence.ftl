# A technician's trust-score evidence in English: one line per fact, as feedback/explain.py picks it.
#
# Variables:
#   $job       when the job was asked for, as job-time says it ("14:05 on 3 Dec")
#   $offer     when the offer was made, said the same way
#   $stars     the stars the driver gave, 1 to 5
#   $said      what the driver's comment held against him, as comment-* and and-joined say it
#   $duration  a span, as duration-* says it; $tolerance the allowance past the promise, the same way
#   $day, $month (1 to 12), $time ("14:05"): the parts of job-time

job-time = { $time } on { $day } { $month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
}

duration-minutes = { $minutes } min
duration-minutes-seconds = { $minutes } min { $seconds } s
duration-seconds = { $seconds } s

comment-rude = you were rude
comment-damage = the car was damaged
and-joined = { $first } and { $second }

evidence-comment = The driver's comment on the job of { $job } said { $said }.
evidence-rating = Rated { $stars } of 5 stars for the job of { $job }.
evidence-stalled = Made no progress towards the driver on the way to the job of { $job }.
evidence-stalled-for = Made no progress towards the driver for { $duration } on the way to the job of { $job }.
evidence-early = Arrived on time for the job of { $job } ({ $duration } before the promise).
evidence-within = Arrived on time for the job of { $job } ({ $duration } after the promise, within the { $tolerance } allowed).
evidence-late = Late by { $duration } for the job of { $job }.
evidence-towed = Towed the car on the job of { $job }, as the job needed.
evidence-fixed = Fixed it on the spot on the job of { $job }.
evidence-not-fixed = Could not fix it on the spot on the job of { $job }.
evidence-reassigned = The job of { $job } was handed to another technician.
evidence-cancelled-early = Not held against you: the driver cancelled the job of { $job } before the promised arrival.
evidence-cancelled-late = The driver gave up on the job of { $job } after the promised arrival had passed.
evidence-saw-through = Saw the job of { $job } through.
evidence-offer-accepted = Accepted the offer of { $offer }.
evidence-offer-expired = Let the offer of { $offer } lapse without an answer.
evidence-offer-declined = Declined the offer of { $offer }.

# What moved his score, in his history of changes.
change-offer_accepted = You accepted an offer
change-offer_declined = You declined an offer
change-offer_expired = An offer lapsed without an answer
change-rating = A driver rated a job
change-comment = A driver's comment was read
change-stalled = A drive stopped making progress
change-reassigned_away = A job was handed to another technician
change-arrived = You arrived at a job
change-completed = You finished a job
change-failed = A job ended unfixed
change-cancelled = A job was cancelled
change-past_jobs = Your past jobs were counted
