"""The offline comment analysis: pure functions, no database."""

import time

import pytest

from feedback.comments import CommentAnalysis, Topic, analyze, detect_language
from feedback.comments.model import COMPLAINT_TOPICS


def topics(text: str) -> set[Topic]:
    return set(analyze(text).topics)


def cue_phrases(text: str) -> list[str]:
    return [cue.phrase for cue in analyze(text).cues]


def test_rude_and_damage_together() -> None:
    analysis = analyze("мастер нагрубил и поцарапал бампер")
    assert analysis.language == "ru"
    assert analysis.sentiment == "negative"
    assert set(analysis.topics) == {Topic.RUDE, Topic.DAMAGE}
    assert analysis.score < 0


def test_quick_fix_with_thanks_is_praise() -> None:
    analysis = analyze("Приехал быстро, всё починил, спасибо!")
    assert analysis.sentiment == "positive"
    assert Topic.PRAISE in analysis.topics
    assert analysis.score > 0


def test_never_showed_up() -> None:
    analysis = analyze("The technician never showed up")
    assert analysis.sentiment == "negative"
    assert Topic.NO_SHOW_OR_STALL in analysis.topics


def test_good_news_about_price_and_safety_keeps_the_topics() -> None:
    analysis = analyze("Fair price, felt safe")
    assert analysis.sentiment == "positive"
    assert {Topic.PRICE, Topic.SAFETY} <= set(analysis.topics)


@pytest.mark.parametrize(
    "text",
    ["Мастер не грубил, всё сделал аккуратно.", "The technician wasn't late and was really polite."],
)
def test_a_denied_complaint_is_not_a_complaint(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "positive"
    assert not {Topic.RUDE, Topic.LATE} & set(analysis.topics)


def test_negated_arrival_is_a_no_show() -> None:
    analysis = analyze("Мастер так и не приехал.")
    assert analysis.sentiment == "negative"
    assert Topic.NO_SHOW_OR_STALL in analysis.topics
    assert "не приехал" in cue_phrases("Мастер так и не приехал.")


def test_notifications_that_never_came_are_about_communication() -> None:
    analysis = analyze("Уведомления не приходили, пришлось звонить самой.")
    assert analysis.sentiment == "negative"
    assert Topic.COMMUNICATION in analysis.topics


def test_negated_praise_is_a_complaint() -> None:
    assert analyze("Not polite at all.").sentiment == "negative"
    assert Topic.RUDE in topics("Not polite at all.")
    assert Topic.LATE in topics("It was not quick.")


def test_words_after_but_weigh_more() -> None:
    assert analyze("fast but rude").sentiment == "negative"
    assert analyze("rude but fast").sentiment == "positive"
    assert analyze("Мастер хороший, но цена просто космос.").sentiment == "negative"


def test_intensifiers_and_downtoners_scale_the_cue() -> None:
    plain = analyze("The price was expensive.").cues[-1].weight
    assert analyze("The price was very expensive.").cues[-1].weight < plain
    assert analyze("The price was a bit expensive.").cues[-1].weight > plain


def test_capitals_and_exclamation_marks_weigh_more() -> None:
    assert analyze("4 HOURS!!").score <= analyze("4 hours").score
    shouted = next(cue for cue in analyze("RUDE driver").cues if cue.topic is Topic.RUDE)
    quiet = next(cue for cue in analyze("rude driver").cues if cue.topic is Topic.RUDE)
    assert shouted.weight < quiet.weight


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("1h15 for a fuel delivery in the city.", "1h15"),
        ("полтора часа ждал на морозе", "полтора часа"),
        ("ждал 2 часа", "2 часа"),
        ("С 9 до 13 стояла на обочине.", "С 9 до 13"),
        ("Left waiting on the hard shoulder from 6 to 9.", "from 6 to 9"),
        ("Приехал через 2,5 часа.", "2,5 часа"),
        ("Expected arrival 8:15, he rolled up at 10.", "at 10"),
    ],
)
def test_long_waits_read_from_numbers_are_lateness(text: str, phrase: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "negative"
    assert Topic.LATE in analysis.topics
    assert any(cue.phrase == phrase and cue.topic is Topic.LATE for cue in analysis.cues)


def test_a_short_wait_is_not_lateness() -> None:
    analysis = analyze("Arrived in 20 minutes and sorted the battery.")
    assert analysis.sentiment == "positive"
    assert Topic.LATE not in analysis.topics


def test_clock_times_are_not_durations() -> None:
    assert Topic.LATE not in topics("Пробила колесо в 2 часа ночи, мастер приехал быстро, спасибо.")


def test_sarcasm_over_a_long_wait() -> None:
    analysis = analyze("great, only 3 hours")
    assert analysis.sentiment == "negative"
    assert Topic.LATE in analysis.topics
    assert Topic.PRAISE not in analysis.topics


def test_thanks_after_a_complaint_is_sarcasm() -> None:
    assert analyze("Now my bumper is hanging off. Thanks for nothing.").sentiment == "negative"
    assert analyze("My alloy is kerbed now, thanks a lot.").sentiment == "negative"


def test_a_plain_fact_complaint_is_negative() -> None:
    analysis = analyze("bumper was scratched during loading")
    assert analysis.sentiment == "negative"
    assert Topic.DAMAGE in analysis.topics


def test_an_unexplained_denial_without_praise_is_negative() -> None:
    assert analyze("He pumped up the tyre, said it'd hold, it didn't.").sentiment == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The tow truck came fast.", "en"),
        ("Эвакуатор приехал быстро.", "ru"),
        ("Sehr schnell und freundlich, danke!", "other"),
        ("Muy amable y rápido, gracias.", "other"),
        ("👍👍👍", "other"),
        ("Дуже дякую, все швидко і якісно.", "other"),
        ("", "other"),
    ],
)
def test_language(text: str, language: str) -> None:
    assert detect_language(text) == language
    assert analyze(text).language == language


def test_emoji_only_comments_have_a_sentiment() -> None:
    assert analyze("👍👍👍").sentiment == "positive"
    assert analyze("😡😡😡").sentiment == "negative"


def test_cues_name_the_words_as_written() -> None:
    text = "Driver was RUDE and Scratched my door, but the price was fair."
    analysis = analyze(text)
    for cue in analysis.cues:
        if cue.phrase.startswith("learned model: "):
            # The learned model's verdict names the words of the comment that weighed most.
            named = cue.phrase.partition("(")[2].rstrip(")").split(", ")
            assert all(phrase in text for phrase in named)
        else:
            assert cue.phrase in text
    phrases = {cue.phrase: cue for cue in analysis.cues}
    assert phrases["RUDE"].topic is Topic.RUDE
    assert phrases["RUDE"].weight < 0
    assert phrases["Scratched"].topic is Topic.DAMAGE
    assert "Не дозвониться" in cue_phrases("Не дозвониться до оператора.")


def test_topics_come_in_a_stable_order() -> None:
    analysis = analyze("Scratched my car, was rude and two hours late.")
    assert list(analysis.topics) == sorted(analysis.topics, key=list(Topic).index)
    assert analysis.topics == (Topic.LATE, Topic.RUDE, Topic.DAMAGE)


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\x00", "a\x00b\x07c\x1b[31m", "\ufeff", "...!!!", "12345"])
def test_empty_and_odd_texts_do_not_crash(text: str) -> None:
    analysis = analyze(text)
    assert isinstance(analysis, CommentAnalysis)
    assert -1.0 <= analysis.score <= 1.0


def test_empty_text_is_neutral() -> None:
    analysis = analyze("   ")
    assert (analysis.sentiment, analysis.score, analysis.topics, analysis.cues) == ("neutral", 0.0, (), ())


def test_control_characters_inside_words() -> None:
    analysis = analyze("the driver was\x00 rude\x07 and \x1blate")
    assert analysis.sentiment == "negative"
    assert Topic.RUDE in analysis.topics


def test_very_long_text_is_analysed_quickly() -> None:
    text = ("Приехал быстро, но поцарапал бампер и нагрубил. The driver was late and rude. " * 200)[:10_000]
    started = time.perf_counter()
    analysis = analyze(text)
    elapsed = time.perf_counter() - started
    assert len(text) == 10_000
    assert analysis.sentiment == "negative"
    assert {Topic.RUDE, Topic.DAMAGE, Topic.LATE} <= set(analysis.topics)
    assert elapsed < 1.0


def test_score_is_bounded_and_agrees_with_the_sentiment() -> None:
    for text in ["Excellent!!! Amazing!!! Perfect!!!", "HORRIBLE, RUDE, LATE, SCRATCHED, USELESS!!!", "ok"]:
        analysis = analyze(text)
        assert -1.0 <= analysis.score <= 1.0
        if analysis.sentiment == "positive":
            assert analysis.score > 0
        if analysis.sentiment == "negative":
            assert analysis.score < 0


def test_the_analysis_is_frozen() -> None:
    analysis = analyze("ok")
    with pytest.raises(AttributeError):
        analysis.sentiment = "positive"  # type: ignore[misc]


def test_until_is_not_a_denial() -> None:
    analysis = analyze("Мастер — золото, болтал со мной, пока за мной не приехали.")
    assert analysis.sentiment == "positive"
    assert Topic.NO_SHOW_OR_STALL not in analysis.topics


def test_surprise_is_not_a_denial() -> None:
    assert analyze("cant believe how fast he got here, 12 mins!! cheers").sentiment == "positive"


def test_scare_quotes_turn_praise_around() -> None:
    analysis = analyze('He "fixed" the leak with tape. Lasted till the next junction.')
    assert analysis.sentiment == "negative"
    assert Topic.NOT_FIXED in analysis.topics
    assert Topic.PRAISE not in analysis.topics


def test_an_elliptic_denial_takes_its_meaning_from_before() -> None:
    assert Topic.NOT_FIXED in topics("He pumped up the tyre, said it'd hold, it didn't.")


def test_a_promise_is_not_praise() -> None:
    assert analyze("Said he'd sort the puncture, just put air in it and left.").sentiment == "negative"


# The held-out conventions: what counts as praise, a complaint, a verdict, a question.


@pytest.mark.parametrize(
    "text", ["Good job, all smooth.", "Всё прошло гладко, без проблем.", "Quick and easy, no complaints."]
)
def test_mild_and_outcome_words_are_not_praise(text: str) -> None:
    assert Topic.PRAISE not in topics(text)


def test_a_word_sharing_a_stem_is_not_an_exact_form() -> None:
    # "=loved" (a liked feature) must not swallow "lovely" (praise of the person).
    assert Topic.PRAISE in topics("Lovely bloke, sorted my battery.")


def test_thanks_is_praise_even_in_a_complaint() -> None:
    analysis = analyze("Спасибо за старания, но 2 часа на прикурить — это ненормально.")
    assert analysis.sentiment == "negative"
    assert set(analysis.topics) == {Topic.LATE, Topic.PRAISE}


def test_a_mild_compliment_conceded_in_a_complaint_is_not_praise() -> None:
    analysis = analyze("Nice guy but the price was a joke.")
    assert analysis.sentiment == "negative"
    assert set(analysis.topics) == {Topic.PRICE}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("took 2 hrs but he was a star", {Topic.LATE, Topic.PRAISE}),
        ("Would recommend, although the wait was a bit long.", {Topic.LATE}),
    ],
)
def test_a_happy_comment_still_names_its_complaint(text: str, expected: set[Topic]) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "positive"
    assert set(analysis.topics) == expected


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [("долговато, но сделал", "positive"), ("Быстро, но дороговато.", "negative"), ("rude but fast", "positive")],
)
def test_the_part_after_but_decides(text: str, sentiment: str) -> None:
    assert analyze(text).sentiment == sentiment


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("3 stars. Got there in the end.", "neutral"),
        ("Тройка.", "neutral"),
        ("2 stars, the driver was lovely though.", "negative"),
        ("Would've been 5 stars if the pushes worked.", "positive"),
        ("Great guy, 4/10 for the wait.", "negative"),
    ],
)
def test_a_star_mark_decides(text: str, sentiment: str) -> None:
    assert analyze(text).sentiment == sentiment


def test_a_mark_short_of_the_top_is_not_praise() -> None:
    assert Topic.PRAISE not in topics("Would've been 5 stars if the pushes worked.")
    assert Topic.PRAISE not in topics("3 stars")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Is the callout fee refunded if I start the car myself?", {Topic.PRICE}),
        ("Would be nice if the app let you add photos.", {Topic.COMMUNICATION}),
        ("Можно ли поменять адрес в приложении после заказа?", {Topic.COMMUNICATION}),
        ("Сколько стоит эвакуация в аэропорт?", {Topic.PRICE}),
    ],
)
def test_questions_and_suggestions_are_neutral(text: str, expected: set[Topic]) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "neutral"
    assert set(analysis.topics) == expected


def test_a_question_with_a_complaint_in_it_is_still_a_complaint() -> None:
    assert analyze("Can anyone tell me why I was charged twice?").sentiment == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Arrived after about 50 minutes, which is what the app had said.",
        "Приехал примерно через час, как и обещали в приложении.",
        "Waited 35 minutes, which is fine for a Saturday night.",
    ],
)
def test_a_wait_as_promised_or_accepted_is_not_lateness(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "neutral"
    assert Topic.LATE not in analysis.topics


def test_a_long_wait_called_fine_is_still_lateness() -> None:
    assert Topic.LATE in topics("Waited 3 hours, which is fine I guess.")


def test_a_long_wait_that_ended_with_nobody_is_late_too() -> None:
    assert set(analyze("Nobody came. Cancelled after 3 hours.").topics) == {Topic.LATE, Topic.NO_SHOW_OR_STALL}
    assert Topic.LATE not in topics("Stood still on the map for 40 minutes, then cancelled.")


@pytest.mark.parametrize(
    "text", ["Прикурили, машина завелась.", "No scratches, car came back as it left.", "Tyre changed."]
)
def test_a_plain_report_is_neutral(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "neutral"
    assert analysis.topics == ()


@pytest.mark.parametrize("text", ["Tracking was brilliant.", "Отслеживание на карте супер."])
def test_praise_of_one_feature_is_that_feature(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "positive"
    assert set(analysis.topics) == {Topic.COMMUNICATION}
    assert Topic.PRAISE in topics("Great service, the driver was brilliant.")


@pytest.mark.parametrize(
    "text",
    ["Push said the technician arrived, nobody was here.", "В приложении написано «выполнено», а я всё ещё тут."],
)
def test_a_false_status_from_the_app_is_a_stall_and_communication(text: str) -> None:
    assert {Topic.NO_SHOW_OR_STALL, Topic.COMMUNICATION} <= set(analyze(text).topics)


def test_fear_on_the_road_side_does_not_make_thanks_sarcastic() -> None:
    analysis = analyze("Thanks for getting to me so fast on the M6, I was terrified.")
    assert analysis.sentiment == "positive"
    assert {Topic.SAFETY, Topic.PRAISE} <= set(analysis.topics)


def test_thanks_for_a_lecture_is_rudeness() -> None:
    analysis = analyze("Спасибо за лекцию.")
    assert analysis.sentiment == "negative"
    assert set(analysis.topics) == {Topic.RUDE}


def test_a_denied_complaint_is_not_praise() -> None:
    assert set(analyze("The driver wasn't rude and wasn't late, he just didn't fix anything.").topics) == {
        Topic.NOT_FIXED
    }


def test_the_time_to_get_home_is_not_a_wait() -> None:
    analysis = analyze("Дома были через час. Большое спасибо!")
    assert analysis.sentiment == "positive"
    assert Topic.LATE not in analysis.topics


def test_two_sums_named_after_paying_are_a_price_complaint() -> None:
    analysis = analyze("По телефону назвали 3000, на месте взяли 5000.")
    assert analysis.sentiment == "negative"
    assert Topic.PRICE in analysis.topics


@pytest.mark.parametrize(
    "text",
    [
        "Got stuck in a car park with a dead battery, he jumped it and I was on my way.",
        "Stranded on the A30 with a flat, tyre changed and off I went.",
        "Ran out of diesel like an idiot. Fuel arrived, all sorted.",
        "Nothing to report, tyre changed, off I went.",
        "Сломалась по дороге на дачу, отвезли в сервис.",
    ],
)
def test_the_drivers_own_breakdown_is_no_complaint(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "neutral"
    assert analysis.topics == ()


@pytest.mark.parametrize(
    "text",
    ["The weather was horrendous but he got the wheel changed quickly.", "Погода жуть, а он быстро поменял колесо."],
)
def test_bad_weather_is_no_complaint(text: str) -> None:
    assert analyze(text).sentiment == "positive"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Battery died again a week later, but that's the battery, not your fault.", Topic.NOT_FIXED),
        ("Аккумулятор снова сел через неделю, но это проблема аккумулятора, не ваша.", Topic.NOT_FIXED),
    ],
)
def test_an_excused_complaint_is_named_but_does_not_weigh(text: str, topic: Topic) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "neutral"
    assert analysis.topics == (topic,)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Waited about an hour in a warm café, no drama.", (Topic.LATE,)),
        ("Ждала около часа в тёплом кафе, без драмы.", (Topic.LATE,)),
        ("Had to wait while he finished another job nearby, about 25 minutes, no big deal.", (Topic.NO_SHOW_OR_STALL,)),
    ],
)
def test_a_wait_shrugged_off_is_neutral_but_still_named(text: str, expected: tuple[Topic, ...]) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "neutral"
    assert analysis.topics == expected


def test_praise_of_a_person_beside_a_complaint_is_not_sarcasm() -> None:
    analysis = analyze("Great lad, shame about the 3 hour wait.")
    assert analysis.sentiment == "negative"
    assert set(analysis.topics) == {Topic.LATE, Topic.PRAISE}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Driver был супер, всё сделал быстро", "other"),
        ("Очень fast, спасибо", "other"),
        ("Третий раз пользуюсь Trustloop, и снова всё отлично.", "ru"),
        ("Пришло sms, что мастер выехал.", "ru"),
        ("Дуже довго чекали", "other"),
        ("Alles gut, danke!", "other"),
        ("So-so.", "en"),
    ],
)
def test_mixed_ukrainian_and_german_comments_are_other(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "Battery was completely dead after the holidays. Jump start, ran the engine for 20 min, fine since.",
        "Спустило колесо, запаски нет, отвезли в шиномонтаж.",
        "Сдох генератор, мастер определил причину и вызвал эвакуатор.",
        "Загорелась ошибка, мастер подключил сканер и сбросил её.",
        "Аккумулятор разрядился после отпуска, прикурили, больше проблем нет.",
    ],
)
def test_the_breakdown_the_technician_came_for_is_not_a_failed_fix(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "neutral"
    assert analysis.topics == ()


@pytest.mark.parametrize(
    "text",
    [
        "После прикуривания машина поработала пять минут и заглохла.",
        "Заглохла через час после его отъезда.",
        "Battery died after two days.",
    ],
)
def test_a_breakdown_after_the_job_is_a_failed_fix(text: str) -> None:
    assert Topic.NOT_FIXED in topics(text)


@pytest.mark.parametrize(
    "text", ["Solid service, only gripe is the app kept logging me out.", "Всё хорошо, только приложение выкидывает."]
)
def test_the_only_gripe_after_good_words_weighs_less(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "positive"
    assert set(analysis.topics) == {Topic.COMMUNICATION}


@pytest.mark.parametrize("text", ["Сказал, что денег не возьмёт, и не взял.", "No charge for the callout, nice."])
def test_no_charge_is_good_news_about_the_price(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "positive"
    assert Topic.PRICE in analysis.topics


def test_a_mark_below_the_top_is_no_praise_but_the_top_is() -> None:
    assert Topic.PRAISE not in topics("4 stars, would have been 5 if he'd called ahead.")
    assert analyze("4 stars, would have been 5 if he'd called ahead.").sentiment == "positive"
    assert Topic.PRAISE in topics("Пять звёзд, без замечаний.")


def test_not_being_told_of_a_surcharge_is_about_the_price() -> None:
    assert set(analyze("They wanted £20 extra because it was a Sunday. Nobody told me.").topics) == {Topic.PRICE}


def test_blaming_oneself_is_not_rudeness() -> None:
    analysis = analyze("Took ages to find me because the pin was in the wrong place, my fault really.")
    assert analysis.sentiment == "neutral"
    assert Topic.RUDE not in analysis.topics
    assert Topic.RUDE in topics("Kept telling me it was my fault the battery died.")


@pytest.mark.parametrize(
    "text",
    [
        "Took over an hour but it was sleeting and every truck in town was out, so I get it. Really kind fella.",
        "Ждали 2 часа, но мастер ни при чём, всё стояло. Он молодец.",
    ],
)
def test_an_excused_wait_is_named_but_not_held_against_them(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "positive"
    assert Topic.LATE in analysis.topics


def test_a_complaint_after_the_excuse_still_counts() -> None:
    assert analyze("I understand it's busy, but 3 hours and no call is ridiculous.").sentiment == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Не завелась утром, думала опять аккумулятор, а оказалось стартер. Мастер быстро разобрался.",
        "Сдох генератор, мастер честно сказал, что на месте не починить, отвезли в сервис.",
        "He didnt fix it, he towed it, which is what I asked for.",
    ],
)
def test_the_drivers_own_breakdown_and_a_planned_tow_are_no_failed_fix(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment != "negative"
    assert Topic.NOT_FIXED not in analysis.topics


def test_a_failed_start_after_the_visit_is_still_not_fixed() -> None:
    analysis = analyze("Приехал, прикурил, но машина так и не завелась.")
    assert analysis.sentiment == "negative"
    assert Topic.NOT_FIXED in analysis.topics


@pytest.mark.parametrize(
    "text",
    [
        "Keys locked in the boot, my own stupid fault. Lockout guy had it open in 5 min, legend",
        "Бензин кончился на трассе, сам дурак. Привезли 10 литров, цена нормальная.",
    ],
)
def test_calling_oneself_names_is_not_rudeness(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "positive"
    assert Topic.RUDE not in analysis.topics


def test_an_eta_kept_to_the_minute_is_no_lateness() -> None:
    analysis = analyze("ETA said 45 min, he came in 45 min. No complaints.")
    assert analysis.sentiment == "positive"
    assert Topic.LATE not in analysis.topics
    assert Topic.COMMUNICATION in analysis.topics


def test_having_to_put_up_with_something_is_no_missing_message() -> None:
    analysis = analyze("Цена кусается, конечно, но в два часа ночи выбирать не приходится. Спасибо парню.")
    assert analysis.sentiment == "positive"
    assert Topic.COMMUNICATION not in analysis.topics
    assert {Topic.PRICE, Topic.PRAISE} <= set(analysis.topics)


def test_hazard_lights_are_a_safety_measure_not_a_danger() -> None:
    analysis = analyze("Engine cut out on the slip road. Hazards on, waited on the verge, truck came, towed home.")
    assert analysis.sentiment == "neutral"
    assert Topic.SAFETY in analysis.topics


@pytest.mark.parametrize(
    "text",
    [
        "Snapped a fan belt on the way to work. New one fitted at the roadside, cheers.",
        "Hit a pothole and bent the rim, he fitted the spare. Helpful chap.",
        "Треснул патрубок, потекло всё. Эвакуировали в сервис.",
    ],
)
def test_a_part_giving_way_before_anyone_came_is_the_breakdown_not_damage(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment != "negative"
    assert Topic.DAMAGE not in analysis.topics


def test_damage_done_by_the_job_is_still_damage() -> None:
    analysis = analyze("Ремень оставил глубокую борозду на заднем бампере.")
    assert analysis.sentiment == "negative"
    assert Topic.DAMAGE in analysis.topics


@pytest.mark.parametrize(
    "text",
    [
        "Roads were iced over so I expected a long wait, he was there in 35 min. Impressed.",
        "Думала буду ждать час, а приехали минут через 25. Приятно.",
    ],
)
def test_a_wait_only_feared_is_no_lateness(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "positive"
    assert Topic.LATE not in analysis.topics


def test_a_wait_longer_than_expected_is_still_lateness() -> None:
    assert Topic.LATE in topics("Took far longer than expected, nearly two hours.")


@pytest.mark.parametrize("text", ["Дороговато, но нормально.", "Could've been quicker but fine"])
def test_a_mild_gripe_shrugged_off_is_neutral(text: str) -> None:
    assert analyze(text).sentiment == "neutral"


def test_a_gripe_after_the_shrug_is_negative() -> None:
    analysis = analyze("Нормально, но дороговато.")
    assert analysis.sentiment == "negative"
    assert Topic.PRICE in analysis.topics


def test_time_on_the_phone_is_about_reaching_them_and_another_wait_is_sarcasm() -> None:
    analysis = analyze("Great, another 45 minutes on the phone to get a refund.")
    assert analysis.sentiment == "negative"
    assert Topic.LATE not in analysis.topics
    assert Topic.PRAISE not in analysis.topics
    assert Topic.COMMUNICATION in analysis.topics


def test_blame_reported_is_rudeness_not_self_blame() -> None:
    analysis = analyze("Мастер сказал, что я сама виновата, раз ездила на лысой резине.")
    assert analysis.sentiment == "negative"
    assert Topic.RUDE in analysis.topics


def test_a_topicalised_verb_before_its_denial_is_no_complaint() -> None:
    assert Topic.RUDE not in topics("Хамить не хамил, но и помогать особо не рвался.")
    assert analyze("Хамить не хамил, но и помогать особо не рвался.").sentiment == "negative"


def test_a_sum_weighed_against_the_work_is_a_complaint() -> None:
    analysis = analyze("Arrived, looked at it for 2 minutes, said it needs a garage and left. £90 for that.")
    assert analysis.sentiment == "negative"
    assert Topic.PRICE in analysis.topics


@pytest.mark.parametrize(
    "text",
    [
        "Waited 50 mins in the rain. Not great, not terrible.",
        "Friendly guy, steep price. Swings and roundabouts.",
        "Прождала 50 минут под дождём. Ни хорошо, ни плохо.",
    ],
)
def test_a_balanced_verdict_decides_neutral(text: str) -> None:
    assert analyze(text).sentiment == "neutral"


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [("6 из 10: сделали.", "neutral"), ("8 out of 10, would use again", "positive"), ("3 out of 10", "negative")],
)
def test_marks_out_of_ten_in_words(text: str, sentiment: str) -> None:
    assert analyze(text).sentiment == sentiment


def test_a_question_about_a_long_wait_names_it_without_complaining() -> None:
    analysis = analyze("Is it normal to wait over an hour on a Sunday?")
    assert analysis.sentiment == "neutral"
    assert Topic.LATE in analysis.topics


def test_a_why_question_asked_out_of_curiosity_is_no_complaint() -> None:
    text = "Why does the tracker show the truck going the other way? Just curious, he got here fine."
    assert analyze(text).sentiment == "neutral"
    # The rules read a why about the tracker as a complaint; the learned model, which has seen many calm why-questions,
    # overturns it: a known cost of the second opinion (data/comments/README.md).
    assert analyze("Why does the tracker show the truck going the other way?", learned_opinion=False).sentiment == (
        "negative"
    )


def test_a_denial_that_says_what_for_is_no_complaint() -> None:
    text = "He put his truck behind my car with the beacons on so nobody would hit me."
    assert analyze(text).sentiment != "negative"


def test_a_slight_lateness_shrugged_off_is_no_complaint() -> None:
    assert analyze("The lad was 10 minutes late, no biggie, he called ahead.").sentiment != "negative"


def test_a_fear_that_came_true_after_but_is_still_lateness() -> None:
    analysis = analyze("I thought they'd be quick but it took 2 hours.")
    assert analysis.sentiment == "negative"
    assert Topic.LATE in analysis.topics


def test_a_balanced_verdict_before_but_does_not_decide() -> None:
    assert analyze("Not great, not terrible, but the 3 hour wait was awful.").sentiment == "negative"


def test_self_blame_excuses_its_own_sentence_only() -> None:
    assert analyze("My fault for trusting your app. Never again.").sentiment == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Brilliant. Absolutely brilliant. Three hours in the freezing cold.",
        "Отлично. Просто отлично. Три часа на морозе.",
    ],
)
def test_bare_praise_before_a_complaint_that_is_all_there_is_is_sarcasm(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "negative"
    assert Topic.PRAISE not in analysis.topics


def test_bare_praise_before_a_conceded_wait_is_sincere() -> None:
    assert analyze("Brilliant. Took two hours but he sorted it.").sentiment == "positive"


def test_the_short_wait_after_a_feared_long_one_is_no_lateness() -> None:
    analysis = analyze("Thought I'd be there all night. He turned up in 40 min.")
    assert analysis.sentiment != "negative"
    assert Topic.LATE not in analysis.topics


def test_an_expected_arrival_is_a_promise_not_a_fear() -> None:
    assert analyze("Expected arrival 8:15, he rolled up at 10.").sentiment == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Полтора часа, но предупредили, что загруженность, и присылали обновления. Нормально.",
        "Снегопад, полгорода стоит, чудес не ждала. Два часа — ок.",
        "Немного опоздал, но я сама дала не тот адрес.",
    ],
)
def test_a_wait_warned_of_expected_or_caused_by_the_writer_is_not_held_against_them(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "neutral"
    assert Topic.LATE in analysis.topics


def test_nobody_warning_is_still_a_complaint() -> None:
    assert analyze("Взяли на 1000 больше, потому что воскресенье. Никто не предупредил.").sentiment == "negative"


def test_time_billed_is_about_the_price() -> None:
    analysis = analyze("Charged me for two hours of labour for a 20 minute job.")
    assert analysis.sentiment == "negative"
    assert set(analysis.topics) == {Topic.PRICE}


def test_a_lone_number_opening_the_comment_is_a_mark() -> None:
    assert analyze("Четыре. Минус один — никто не сказал, что мастер едет с другого конца города.").sentiment == (
        "positive"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Ожидала, что приедут за 30 минут, ждала 2 часа.",
        "Предупредили про 30 минут, ждала 2 часа.",
        "Сам виноват, что вызвал вас. Больше никогда.",
        "The belt snapped because he over-tightened it.",
    ],
)
def test_the_new_excuses_do_not_swallow_a_complaint(text: str) -> None:
    assert analyze(text).sentiment == "negative"


def test_thanks_after_a_wait_warned_of_is_sincere() -> None:
    analysis = analyze("Предупредили, что будет задержка из-за снегопада, приехали через 2 часа. Спасибо.")
    assert analysis.sentiment == "positive"
    assert {Topic.LATE, Topic.PRAISE} <= set(analysis.topics)


def test_better_than_before_is_no_praise_but_the_best_is() -> None:
    assert Topic.PRAISE not in topics("Гораздо лучше, чем прошлая компания.")
    assert Topic.PRAISE in topics("Лучший мастер!")


def test_a_denial_in_its_own_clause_still_complains() -> None:
    analysis = analyze("The bolts weren't done up, found out on the motorway.")
    assert analysis.sentiment == "negative"


def test_an_eta_that_moved_in_minutes_is_no_clock_span() -> None:
    analysis = analyze("Would be nice if the ETA was steadier, it went from 10 to 25 minutes.")
    assert analysis.sentiment == "neutral"
    assert Topic.LATE not in analysis.topics


@pytest.mark.parametrize(
    "text",
    [
        "Дорого вышло, но ночью выбирать не приходится.",
        "Pricey, but I had no other option at that hour.",
        "Долго ехал, но иначе никак, снег.",
    ],
)
def test_no_other_way_excuses_the_complaint(text: str) -> None:
    assert analyze(text).sentiment != "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Ну спасибо, что хоть к ночи доехали.",
        "Cheers for the lecture about tyre pressures, mate.",
        "He said I should have known better than to drive on a space saver.",
        "Прошу разобраться, почему с карты сняли дважды.",
    ],
)
def test_sarcastic_thanks_lecturing_and_requests_to_look_into_it_complain(text: str) -> None:
    assert analyze(text).sentiment == "negative"


def test_the_drivers_bad_luck_is_no_complaint() -> None:
    analysis = analyze("Lovely people, awful luck on my side (second flat this month).")
    assert analysis.sentiment == "positive"
    assert Topic.PRAISE in analysis.topics


def test_would_use_them_again_is_a_good_verdict() -> None:
    assert analyze("A bit pricey at £95 but I'd use them again.").sentiment == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "Took a bit longer, he'd been sent to the wrong exit first. Fair enough.",
        "Приложение глючит при оплате. Но это мелочи.",
    ],
)
def test_a_sentence_that_only_shrugs_takes_the_weight_off_the_one_before(text: str) -> None:
    assert analyze(text).sentiment != "negative"


def test_a_shrug_does_not_excuse_a_long_wait() -> None:
    assert analyze("Waited three hours on the verge. Fair enough.").sentiment == "negative"


def test_lateness_of_a_few_minutes_shrugged_off_is_still_named() -> None:
    analysis = analyze("Опоздал на 10 минут, пробки, ничего страшного.")
    assert analysis.sentiment == "neutral"
    assert Topic.LATE in analysis.topics


@pytest.mark.parametrize(
    "text",
    [
        "Эвакуатор шёл час десять, это ещё быстро для снегопада.",
        "Over an hour, which is quick for a bank holiday Monday.",
    ],
)
def test_a_wait_measured_against_the_day_is_accepted(text: str) -> None:
    assert analyze(text).sentiment != "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Waited about an hour but it was Christmas Eve, didn't expect anyone quicker. He was brilliant.",
        "Сел аккумулятор в минус 35, ничего удивительного. Прикурили, спасибо.",
    ],
)
def test_a_wait_or_breakdown_the_writer_expected_is_no_complaint(text: str) -> None:
    assert analyze(text).sentiment == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "Заправился не тем топливом, моя ошибка. Слили, залили нормальное.",
        "Долго искал, но виноват навигатор, не он.",
    ],
)
def test_the_writers_mistake_or_someone_elses_blame_is_no_complaint(text: str) -> None:
    assert analyze(text).sentiment != "negative"


def test_a_danger_named_in_a_suggestion_is_no_complaint() -> None:
    analysis = analyze("Сделайте в приложении кнопку «мне опасно», чтобы ехали быстрее.")
    assert analysis.sentiment == "neutral"
    assert Topic.SAFETY in analysis.topics


def test_still_opening_a_sentence_turns_like_but() -> None:
    analysis = analyze(
        "Garage says the clutch is done, not what I wanted to hear. Still, he got me there safe and sound."
    )
    assert analysis.sentiment == "positive"


def test_a_car_that_would_not_start_after_a_trip_is_the_breakdown() -> None:
    analysis = analyze("Car wouldn't start after the long weekend away. Jumped and off I went.")
    assert analysis.sentiment != "negative"
    assert Topic.NOT_FIXED not in analysis.topics


def test_a_car_that_would_not_start_after_his_jump_is_not_fixed() -> None:
    analysis = analyze("Car wouldn't start after his jump, had to call again.")
    assert analysis.sentiment == "negative"
    assert Topic.NOT_FIXED in analysis.topics


@pytest.mark.parametrize(
    "text",
    [
        "Didn't need them in the end, my brother towed me. Cancelled in the app, no charge.",
        "Уже завёл сам, отмените, пожалуйста, заявку.",
    ],
)
def test_help_called_off_by_the_writer_is_no_no_show(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment != "negative"
    assert Topic.NO_SHOW_OR_STALL not in analysis.topics


def test_cancelled_after_a_stall_is_still_a_no_show() -> None:
    analysis = analyze("No movement on the map for an hour. Cancelled it myself.")
    assert analysis.sentiment == "negative"
    assert Topic.NO_SHOW_OR_STALL in analysis.topics


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("Поставлю 5, хотя ехали долго.", "positive"),
        ("Оценка 2. Долго и дорого.", "negative"),
        ("I'd give it a 4, the wait was long.", "positive"),
    ],
)
def test_a_mark_given_without_its_scale_decides(text: str, sentiment: str) -> None:
    assert analyze(text).sentiment == sentiment


def test_fear_told_before_anyone_came_weighs_less_than_the_help() -> None:
    analysis = analyze("Пробило колесо в тоннеле, было страшновато. Мастер выставил знак, отработал чётко.")
    assert analysis.sentiment == "positive"
    assert Topic.SAFETY in analysis.topics


def test_pushed_to_the_side_is_no_push_notification() -> None:
    assert Topic.COMMUNICATION not in topics("Got pushed to the side of the road by two lads.")


def test_costly_is_not_cost() -> None:
    assert analyze("It cost £70 for the callout. Fair.").sentiment != "negative"
    assert analyze("Nice lad but it cost an arm and a leg.").sentiment == "negative"


def test_a_po_faktu_turns_like_but() -> None:
    analysis = analyze("Вроде вежливо, вроде быстро, а на деле аккумулятор снова сел к вечеру.")
    assert analysis.sentiment == "negative"
    assert Topic.NOT_FIXED in analysis.topics


def test_arriving_safely_is_no_kindness() -> None:
    assert Topic.PRAISE not in topics("Мастер всё проверил, сказал ехать потихоньку. Добрались.")
    assert Topic.PRAISE in topics("Мастер был так добр, подождал, пока я уеду.")


FEARED_OR_ELSEWHERE = (
    "Боялась, что нагрубят, но мастер был сама вежливость.",
    "Was worried they'd scratch the alloys. Not a mark on them, cheers.",
    "Expected a huge bill. Nope, £40.",
    "Last time, with another company, I waited four hours. This time 25 minutes.",
    "В прошлый раз в другой фирме нахамили, а тут вежливый парень, спасибо.",
)


@pytest.mark.parametrize("text", FEARED_OR_ELSEWHERE)
def test_a_complaint_only_feared_or_about_another_company_is_none(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment != "negative", analysis.cues
    assert not COMPLAINT_TOPICS.intersection(analysis.topics)


def test_a_complaint_only_supposed_or_a_mood_about_the_weather_is_no_complaint() -> None:
    supposed = analyze("Если бы он задержался, я бы замёрз в машине. Приехал вовремя, спасибо.")
    weather = analyze("Погода ужас, ливень стеной. Мастер всё сделал за 10 минут.")
    assert (supposed.sentiment, weather.sentiment) == ("positive", "positive")
    assert Topic.LATE not in supposed.topics


@pytest.mark.parametrize(
    "text", ["Is there a night surcharge for a tow?", "Это нормально или дорого — 6000 за эвакуацию?"]
)
def test_a_question_about_the_price_is_neutral(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "neutral"
    assert Topic.PRICE in analysis.topics


def test_the_tow_truck_waited_for_has_not_come_yet() -> None:
    analysis = analyze("Ждали эвакуатор у отбойника, было страшно. Водитель выставил знак, всё быстро, спасибо.")
    assert next(cue.weight for cue in analysis.cues if cue.phrase == "страшно") > -1.0
    assert Topic.SAFETY in analysis.topics


def test_a_part_that_gave_up_is_the_breakdown() -> None:
    assert analyze("Alternator finally gave up on the bypass. Towed home, fine.").sentiment != "negative"
    assert Topic.NO_SHOW_OR_STALL in topics("Gave up after ten minutes and left.")


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Диспетчер говорил со мной как с маленькой.", Topic.RUDE),
        ("За такие деньги можно было хотя бы коврик постелить.", Topic.PRICE),
        ("Dragged it onto the truck with the handbrake on.", Topic.DAMAGE),
        ("Muddy footprints all over my mats, thanks a lot", Topic.DAMAGE),
        # A fear that came true, and another company called after a no-show, still complain.
        ("Was worried they'd scratch the alloys, and they did.", Topic.DAMAGE),
        ("Called another company because you never came.", Topic.NO_SHOW_OR_STALL),
    ],
)
def test_complaints_in_words_of_their_own(text: str, topic: Topic) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "negative"
    assert topic in analysis.topics
    assert Topic.PRAISE not in analysis.topics


def test_own_stupidity_is_self_blame() -> None:
    assert analyze("My own stupidity, locked the keys in and slammed the boot. Sorted in minutes.").sentiment == (
        "positive"
    )


def test_ten_out_of_ten_in_words_and_figures_is_praise() -> None:
    assert Topic.PRAISE in topics("10 out of 10")


def test_a_time_the_app_said_is_no_sum_but_a_sum_it_showed_is() -> None:
    assert Topic.PRICE not in topics("App said 15 min, he came in 15.")
    analysis = analyze("Взяли 2500, хотя в приложении было 1900.")
    assert analysis.sentiment == "negative"
    assert Topic.PRICE in analysis.topics


@pytest.mark.parametrize(
    ("calm", "unrelated", "complaint"),
    [
        # Stems shared by unrelated words: a friend is not "friendly", a tire is not "tired", a dentist is no dent.
        ("Told a friend to try you lot.", Topic.PRAISE, "Told a friend about the two hour wait."),
        ("He changed the tire in the car park.", Topic.SAFETY, "The driver was tired and nearly fell asleep."),
        ("Fixed it before my dentist appointment.", Topic.DAMAGE, "There's a dent in the door from the winch."),
    ],
)
def test_words_that_share_a_stem_with_a_cue(calm: str, unrelated: Topic, complaint: str) -> None:
    assert unrelated not in topics(calm)
    assert analyze(calm).sentiment != "negative"
    assert analyze(complaint).sentiment == "negative"


def test_tire_and_dentist_name_no_topic() -> None:
    assert Topic.SAFETY not in topics("He changed the tire in ten minutes")
    assert Topic.DAMAGE not in topics("Car died outside the dentist")
    assert Topic.PRAISE not in topics("Told a friend to go elsewhere")
    assert Topic.SAFETY in topics("He looked tired and drove like it")


def test_a_clock_time_is_no_sum() -> None:
    assert analyze("Вызов 22:10, приехал 22:40, замена колеса 1900 руб.").sentiment != "negative"
    assert analyze("Вызов 2500, а на месте взяли 3900.").sentiment == "negative"


def test_a_log_of_times_ends_the_wait_at_the_arrival() -> None:
    assert analyze("Booked 9:00, ETA 9:40, arrived 9:35, finished 10:05.").sentiment != "negative"
    assert analyze("Booked 9:00, ETA 9:40, arrived 10:45.").sentiment == "negative"


def test_already_there_at_a_later_time_is_no_wait() -> None:
    assert Topic.LATE not in topics("Позвонила в 7:10, в 7:55 уже ехала дальше.")
    assert Topic.LATE in topics("Заказала эвакуатор в 7:10, приехал в 8:30.")


def test_minutes_told_unit_first_are_a_wait() -> None:
    assert Topic.LATE in topics("Стояли на обочине, а он ещё минут пятьдесят не мог нас найти.")
    assert Topic.LATE not in topics("Приехал минут через пятнадцать, всё сделал.")


@pytest.mark.parametrize(
    "text",
    [
        "Не быстро и не медленно, обычно.",
        "Not cheap, not outrageous either.",
    ],
)
def test_two_denials_that_pull_opposite_ways_weigh_nothing(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment != "negative"
    assert Topic.LATE not in analysis.topics


def test_two_denials_the_same_way_still_complain() -> None:
    assert analyze("Не быстро и не дёшево.").sentiment == "negative"


def test_a_complaint_reported_and_proved_wrong() -> None:
    analysis = analyze("Друг говорил, что вы вечно опаздываете. Друг ошибся, приехали за 20 минут.")
    assert analysis.sentiment != "negative"
    assert Topic.LATE not in analysis.topics
    assert analyze("Friend said you overcharge. He was wrong, £60 all in.").sentiment != "negative"
    # A complaint reported and not denied still complains; so does one told by the writer.
    assert analyze("Друг говорил, что вы вечно опаздываете. Так и вышло, ждала два часа.").sentiment == "negative"


def test_a_complaint_asked_granted_and_turned_from() -> None:
    assert analyze("Slow? Maybe a bit. But he was brilliant with the kids.").sentiment == "positive"
    assert analyze("Дорого? Да. И ещё нахамили.").sentiment == "negative"


def test_a_wait_shorter_than_guessed() -> None:
    assert analyze("Fifty-five minutes in the snow. I'd have guessed twice that.").sentiment != "negative"
    assert analyze("Час ждали. Думала, будет дольше.").sentiment != "negative"
    assert analyze("Fifty-five minutes in the snow. Never again.").sentiment == "negative"


def test_a_wait_called_fair() -> None:
    assert analyze("Ждали 50 минут в пятничной пробке — это по-честному.").sentiment != "negative"
    assert analyze("Ждали 50 минут в пятничной пробке — это слишком.").sentiment == "negative"


def test_a_vot_turns_like_no() -> None:
    assert analyze("Страховая тянула неделю, а вот ваш мастер приехал за 20 минут.").sentiment == "positive"
    assert analyze("Страховая тянула неделю, а ваш мастер опоздал на час.").sentiment == "negative"


def test_tolko_opening_a_sentence_turns() -> None:
    analysis = analyze("Мастер был вежлив, не спорю. Только колесо поставил то же самое.")
    assert analysis.sentiment == "negative"
    assert Topic.NOT_FIXED in analysis.topics
    assert analyze("Мастер был вежлив. Приехал быстро.").sentiment == "positive"


def test_the_sentence_that_explains_a_question_or_a_wish() -> None:
    assert analyze("Можно ли заказать эвакуатор для квадроцикла? В приложении не нашла.").sentiment == "neutral"
    assert analyze("Small wish: a dark mode in the app. Typing at night isn't fun").sentiment == "neutral"
    # A strong complaint after a question is no explanation; nor is good news.
    assert analyze("Можно ли вернуть деньги? Мастер так и не приехал.").sentiment == "negative"
    assert analyze("Можно ли оставить отзыв диспетчеру? Девушка очень помогла.").sentiment == "positive"


def test_weather_delay_warned_of_with_a_hyphenated_word() -> None:
    assert analyze("Предупредили, что из-за гололёда задержатся, приехали через 40 минут.").sentiment != "negative"
    assert analyze("Не предупредили, что задержатся, приехали через 40 минут.").sentiment == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Ничуть не жалею, что переплатила за срочность.",
        "Don't regret paying extra for the priority callout.",
        "Снижать оценку не за что.",
        "Left it a bit late to ring, sat an hour in the cold trying to fix it myself. Sorted in 20 min once I did.",
        "Totally my fault, very well handled.",
        "Council's fault, not yours. Out of the ditch in 15 min.",
        "Nobody tried to sell me a new battery.",
        "Wouldn't take a tip, lovely bloke.",
        "Wollte nicht mal Trinkgeld.",
        "Я зря паниковала, приехали через полчаса.",
        "Не ожидала такой деликатности от водителя эвакуатора.",
        "Не то чтобы я ждал чуда, но сделали быстро.",
        "В два часа ночи я бы заплатила и вдвое.",
    ],
)
def test_good_news_told_in_denials_and_self_blame(text: str) -> None:
    assert analyze(text).sentiment != "negative"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("The driver rolled his eyes when I asked him to mind the paintwork.", Topic.RUDE),
        ("Couldn't be bothered to get out of the cab.", Topic.RUDE),
        ("На просьбу не курить в салоне закатил глаза.", Topic.RUDE),
        ("Нормальные люди такое не покупают, сказал он мне.", Topic.RUDE),
        ("Довёз до половины и сказал, что смена кончилась.", Topic.NO_SHOW_OR_STALL),
        ("Приложение показало «на месте», а на месте не было никого.", Topic.NO_SHOW_OR_STALL),
        ("Про доплату в приложении ни слова.", Topic.COMMUNICATION),
        ("Через день опять не завелась, а мне: это уже новый вызов.", Topic.PRICE),
        ("Not sure what I paid £90 for.", Topic.PRICE),
        ("The engine still makes that rattle.", Topic.NOT_FIXED),
        ("Всё равно пришлось менять колесо в шиномонтаже.", Topic.NOT_FIXED),
        ("На литье после ремней полосы.", Topic.DAMAGE),
        # dev-2165 to dev-2276: plain facts, polite requests and sarcasm.
        ("The spare he fitted was flat too", Topic.NOT_FIXED),
        ("Запаска, которую он поставил, тоже оказалась спущенной.", Topic.NOT_FIXED),
        ("Lovely chap. Pity about the jack mark on my sill", Topic.DAMAGE),
        ("Kindly ask your drivers not to reverse onto lawns. Mine has two ruts in it now", Topic.DAMAGE),
        ("Membership went up 20% and the service went down about the same", Topic.PRICE),
        ("Fine, I suppose, if you like paying £180 to be told your battery is flat", Topic.PRICE),
        ("Driver had music blaring the whole tow.", Topic.RUDE),
        ("Трекер показывал, что мастер едет ко мне, а он, как выяснилось, обедал", Topic.NO_SHOW_OR_STALL),
        ("Диспетчер отправил машину на другой конец города", Topic.COMMUNICATION),
        ("Неплохо бы отвечать на звонки хотя бы с третьего раза", Topic.COMMUNICATION),
        ("The app said 'technician assigned' for 50 minutes. Assigned to what, I wonder", Topic.LATE),
    ],
)
def test_complaints_in_fresh_words(text: str, topic: Topic) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "negative"
    assert topic in analysis.topics


@pytest.mark.parametrize(
    "text",
    [
        "Was promised a callback. That was Tuesday.",
        "Third time with you, first time I'd tell people to go elsewhere.",
        "I've had better experiences at the tax office.",
        "I'm sure he's lovely with other customers.",
        "Не сказать, что я в восторге.",
        "Вежливо попрошу не курить в машине клиента.",
    ],
)
def test_complaints_told_politely_or_dryly(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "negative"
    assert Topic.PRAISE not in analysis.topics


def test_polite_and_regret_words_still_mean_themselves() -> None:
    assert Topic.PRAISE in topics("Очень вежливо всё объяснил.")
    assert analyze("Жалею, что переплатила за срочный вызов.").sentiment == "negative"
    assert analyze("Regret not calling someone else.").sentiment == "negative"


# dev-2165 to dev-2276: third parties, announced questions, plain arrival times, mixed verdicts, asides and idioms.


def test_complaints_about_the_police_or_the_insurer_are_not_about_the_job() -> None:
    told = "Полиция приехала раньше вас, но от неё толку ноль. От вас толк был: увезли, оформили, довезли до дома"
    assert analyze(told).sentiment == "positive"
    assert Topic.NOT_FIXED not in topics(told)
    assert analyze("Insurance company was a nightmare to deal with, but that's on them.").sentiment != "negative"
    assert Topic.LATE not in topics("The insurer was slow, but your part was faultless.")
    assert Topic.LATE in topics("The police were useless, the driver was late too.")
    # A clause that names the service still complains, and so does a sentence that opens with it.
    assert analyze("Полиция приехала раньше вас, но от мастера толку ноль.").sentiment == "negative"
    # The learned model has read "a nightmare to deal with" only of insurers and overturns this twin: a known cost.
    assert analyze("The tow company was a nightmare to deal with.", learned_opinion=False).sentiment == "negative"


def test_a_question_announced_as_one_is_calm() -> None:
    asked = "Один вопрос: почему в приложении нельзя выбрать точку на карте вручную? Меня определило на соседней улице"
    analysis = analyze(asked)
    assert analysis.sentiment == "neutral"
    assert Topic.COMMUNICATION in analysis.topics
    assert analyze("Question: why was I charged twice for one tow?").sentiment == "negative"


def test_the_blame_put_on_someone_else_excuses_the_complaint() -> None:
    assert analyze("Топливо перепутал заправщик. Претензии к АЗС, не к вам").sentiment != "negative"
    assert analyze("Топливо перепутал ваш мастер. Претензии к вам").sentiment == "negative"


def test_a_frozen_handbrake_is_the_drivers_own_breakdown() -> None:
    assert analyze("Машина на ручнике примёрзла, никуда не ехала. Мастер отогрел феном за 10 минут").sentiment == (
        "positive"
    )
    analysis = analyze("Эвакуатор никуда не ехал, стоял на месте.")
    assert analysis.sentiment == "negative"
    assert Topic.NO_SHOW_OR_STALL in analysis.topics


def test_a_belief_the_writer_says_was_proved_wrong() -> None:
    assert analyze("Раньше думал, что все эвакуаторщики хамы. Этот парень меня переубедил").sentiment != "negative"
    assert analyze("I thought all tow drivers were rude. He proved me wrong").sentiment != "negative"
    assert analyze("Раньше думал, что все эвакуаторщики хамы. Этот парень это подтвердил").sentiment == "negative"


def test_an_arrival_within_the_hour_told_plainly_is_a_report() -> None:
    for text in ("Tech came in 45 minutes and towed it to the garage.", "Приехал через 50 минут, отвёз в сервис"):
        analysis = analyze(text)
        assert analysis.sentiment == "neutral"
        assert Topic.LATE not in analysis.topics
    for text in ("Waited 45 minutes for the tech.", "Приехал через 50 минут, хотя обещали 15"):
        analysis = analyze(text)
        assert analysis.sentiment == "negative"
        assert Topic.LATE in analysis.topics
    assert Topic.LATE in topics("Came in 2 hours.")


def test_a_mixed_verdict_comes_out_even() -> None:
    analysis = analyze("Bit of a mixed one. Arrived quickly, but couldn't fix it.")
    assert analysis.sentiment == "neutral"
    assert Topic.NOT_FIXED in analysis.topics
    assert analyze("Смешанные впечатления: приехал быстро, но колесо не поменял.").sentiment == "neutral"
    assert analyze("Arrived quickly, but couldn't fix it.").sentiment == "negative"


@pytest.mark.parametrize(
    ("text", "not_named"),
    [
        ("Если бы все вызовы были такими, как этот, цены бы вам не было", Topic.PRICE),
        ("В приложении кнопка «Отменить вызов» стоит рядом с «Позвонить мастеру».", Topic.NO_SHOW_OR_STALL),
        ("The cancel button sits right under the share button.", Topic.NO_SHOW_OR_STALL),
        ("Трёх литров хватило доехать до АЗС. Больше и не надо было", None),
        ("Честно, не помню, когда последний раз так радовался грузовику", None),
        ("Feedback on the app, for what it's worth: the map is handy", Topic.PRICE),
        ("Might be worth a rethink of the menu.", Topic.PRICE),
        ("Not sure I'd have managed it in that sleet.", Topic.NOT_FIXED),
        ("About 4 litres left by the gauge, which lies.", Topic.RUDE),
        (
            "Машина задымила на мосту. Испугалась жутко. Мастер сказал, что это патрубок, и дальше я ехала спокойно",
            None,
        ),
        ("Yes, it took 70 minutes. Yes, I'd still call you first", None),
        ("Faultless.", None),
    ],
)
def test_idioms_and_asides_that_do_not_complain(text: str, not_named: Topic | None) -> None:
    analysis = analyze(text)
    assert analysis.sentiment != "negative"
    if not_named is not None:
        assert not_named not in analysis.topics


def test_the_idioms_keep_their_plain_neighbours() -> None:
    assert analyze("Цены в приложении не было.").sentiment == "negative"
    assert Topic.NO_SHOW_OR_STALL in topics("Отменили вызов без предупреждения")
    assert Topic.PRICE in topics("Well worth the money")
    assert Topic.NOT_FIXED in topics("He couldn't manage it.")
    assert analyze("It took 70 minutes.").sentiment == "negative"
    assert Topic.PRAISE in topics("Wonderful driver, thank you")
    assert analyze("He lies about the arrival time every time.").sentiment == "negative"
    assert Topic.RUDE in topics("Мастер жутко нагрубил")


def test_a_fitted_tyre_and_a_thanks_are_no_complaint() -> None:
    assert analyze("He fitted the spare in ten minutes, the flat one went in the boot").sentiment != "negative"
    assert analyze("Kindly sorted it for me, thank you").sentiment == "positive"


# Liechtenstein's drivers write German: it is read for its gist (the language stays "other", as the contract has it),
# with its negation after the verb ("kam nicht"), its "aber" and its compounds.
@pytest.mark.parametrize(
    ("text", "sentiment", "topics"),
    [
        ("Der Techniker war unhöflich und hat die Stoßstange zerkratzt.", "negative", {Topic.RUDE, Topic.DAMAGE}),
        ("Der Mechaniker kam nie.", "negative", {Topic.NO_SHOW_OR_STALL}),
        ("Er kam nicht, obwohl die App sagte, er sei unterwegs.", "negative", {Topic.NO_SHOW_OR_STALL}),
        ("Auto springt immer noch nicht an, Problem nicht gelöst.", "negative", {Topic.NOT_FIXED}),
        ("Viel zu teuer für zehn Minuten Arbeit.", "negative", {Topic.PRICE}),
        ("Keine Rückmeldung, keine Info, nichts.", "negative", {Topic.COMMUNICATION}),
        ("Stand 40 Minuten auf der Autobahn, sehr gefährlich.", "negative", {Topic.SAFETY}),
        ("Schnell da, aber sehr unfreundlich.", "negative", {Topic.RUDE}),
        ("Nicht zu empfehlen.", "negative", set()),
        ("Batterie war kaputt, der Techniker hat sie schnell getauscht. Top!", "positive", {Topic.PRAISE}),
        ("Ich musste nicht lange warten, danke.", "positive", {Topic.PRAISE}),
        ("Kein Problem, alles gut.", "positive", {Topic.PRAISE}),
        ("Hat super geholfen, sehr zu empfehlen!", "positive", {Topic.PRAISE}),
    ],
)
def test_german_comments_are_read_for_their_gist(text: str, sentiment: str, topics: set[Topic]) -> None:
    analysis = analyze(text)
    assert (analysis.language, analysis.sentiment, set(analysis.topics)) == ("other", sentiment, topics), analysis


def test_a_negator_after_a_comma_denies_what_follows_it() -> None:
    analysis = analyze("Nothing bent, nothing scratched, car dropped at the garage")
    assert analysis.sentiment == "neutral", analysis
    assert Topic.DAMAGE not in analysis.topics, analysis
    # Complaints denied one after another are a plain report, not praise.
    assert analyze("Ничего не поцарапали, ничего не сломали, машину доставили").sentiment == "neutral"


def test_the_car_stalling_before_anyone_came_is_the_breakdown() -> None:
    analysis = analyze("Мотор застучал и заглох прямо на мосту, всё, не заводится. Эвакуатор отвёз в сервис.")
    assert analysis.sentiment != "negative", analysis
    assert Topic.NOT_FIXED not in analysis.topics, analysis
    assert analyze("Машина не заводится. Мастер так и не смог завести.").sentiment == "negative"


def test_a_bad_day_or_fear_before_the_help_is_no_complaint() -> None:
    assert (
        analyze("Broke down on the ring road, horrible experience. Recovery came and got me off there").sentiment
        != "negative"
    )
    analysis = analyze("Было жутко стоять на обочине в темноте, но мастер выставил треугольник и конусы")
    assert analysis.sentiment == "positive", analysis
    assert Topic.SAFETY in analysis.topics, analysis
    assert analyze("Спасибо, что не бросили на трассе, было очень страшно").sentiment == "positive"
    assert analyze("Car died on the motorway, scary. Driver never came.").sentiment == "negative"


def test_other_road_users_are_not_the_service() -> None:
    for text in (
        "The other driver who rear-ended me was shouting at everyone, your technician kept calm and sorted it",
        "Водитель другой машины орал матом, а ваш мастер спокойно всё сделал",
    ):
        analysis = analyze(text)
        assert analysis.sentiment != "negative", analysis
        assert Topic.RUDE not in analysis.topics, analysis
    assert Topic.RUDE in topics("The other driver was lovely but your tech was rude")


def test_a_mild_complaint_then_the_job_done_after_but_is_a_shrug() -> None:
    assert analyze("Bit annoying but they got there").sentiment == "neutral"
    assert analyze("Not the quickest, about 50 min, but honestly fine for a Sunday night").sentiment == "neutral"
    assert analyze("Two hours late and rude, but got there").sentiment == "negative"


def test_why_the_app_will_not_let_me_is_a_question_about_a_feature() -> None:
    assert analyze("Почему нельзя указать подъезд заранее?").sentiment == "neutral"
    assert analyze("Why do I have to type my reg in every single time?").sentiment == "neutral"
    assert analyze("Почему нельзя было позвонить и предупредить?").sentiment == "negative"


def test_a_but_after_an_excuse_brings_a_complaint_it_does_not_cover() -> None:
    analysis = analyze("I know it's not your fault the battery died, but three hours is ridiculous")
    assert analysis.sentiment == "negative", analysis
    assert Topic.LATE in analysis.topics, analysis


def test_a_bill_against_the_quote_and_the_wrong_fuel_complain() -> None:
    assert analyze("The bill was double what the app quoted").sentiment == "negative"
    assert Topic.NOT_FIXED in topics("Залили дизель вместо бензина")


def test_a_mood_word_before_another_word_only_says_how_much() -> None:
    assert analyze("Ridiculously fast response, I'd barely hung up").sentiment == "positive"
    assert analyze("Stupidly cold out but he let me sit in his van. Absolute gent.").sentiment == "positive"
    assert analyze("Ужасно неловко было, бензин кончился на парковке. Привезли канистру.").sentiment != "negative"
    assert analyze("Ужасно обслужили").sentiment == "negative"
    assert Topic.LATE in topics("Ridiculously slow")


def test_the_writer_unsure_or_not_expecting_is_no_complaint() -> None:
    assert analyze("Wasn't sure the jump pack would be enough for a van this size but it fired up.").sentiment != (
        "negative"
    )
    assert analyze("Вообще не ожидал, что в такой глуши кто-то приедет.").sentiment != "negative"
    assert analyze("He wasn't sure what was wrong.").sentiment == "negative"


def test_a_fear_called_unfounded_or_denied_after_a_pronoun_passes() -> None:
    for text in (
        "Зря я боялся, что обдерут. Всё по тарифу.",
        "Первый раз пользовалась. Волновалась зря.",
        "Honestly thought it was going to cost an arm and a leg. It didn't.",
    ):
        assert analyze(text).sentiment == "positive", analyze(text)
    assert analyze("Боялась, что обдерут. Так и вышло: 5000 за прикурить.").sentiment == "negative"


def test_words_that_only_look_like_complaints() -> None:
    for text in (
        "Fuel gauge lied to me again lol. Chap brought 10 litres, sorted.",
        "Hard to find anything to moan about tbh",
        "Мастер пошутил про мою машину. Посмеялись, завели, поехал.",
        "Мастер сказал, что аккумулятор долго не протянет. Посоветовал, где купить.",
        "Цена кусается, конечно, но ночью за городом оно того стоит.",
        "Tyre blew, he fitted the spare and checked the rim for cracks. Cheers",
        "Не могу не отметить вежливость водителя.",
        "Задержался из-за аварии на кольцевой, сразу написал в чат и скинул новое время. Уложился минута в минуту.",
    ):
        assert analyze(text).sentiment != "negative", analyze(text)
    assert Topic.RUDE in topics("He lied about the price")
    assert Topic.RUDE in topics("Посмеялся надо мной")
    assert Topic.LATE in topics("Долго не ехал")
    assert analyze("Оно того не стоит").sentiment == "negative"
    assert Topic.RUDE in topics("Водитель не был вежлив")
    assert Topic.COMMUNICATION in topics("The app kept freezing")


def test_a_denial_in_a_purpose_clause_is_no_complaint() -> None:
    analysis = analyze("Оператор говорила со мной, пока я ждал, чтоб я не паниковал. Золото, а не человек.")
    assert analysis.sentiment == "positive", analysis
    assert Topic.LATE not in analysis.topics
    assert analyze("Оператор не отвечал").sentiment == "negative"


def test_damage_from_the_drivers_own_mishap_or_already_there() -> None:
    for text in (
        "Колесо пробил об какую-то железяку, диск погнул. Мастер поставил запаску.",
        "Slight scuff on the bumper but that was there before, the driver even pointed it out.",
    ):
        analysis = analyze(text)
        assert analysis.sentiment != "negative", analysis
        assert Topic.DAMAGE not in analysis.topics, analysis
    assert Topic.DAMAGE in topics("Мастер погнул диск, когда снимал колесо.")
    assert Topic.DAMAGE in topics("Towed fine but the strap left a mark on the bumper, not sure if it was there before")
    assert Topic.DAMAGE in topics("Scratch on the bumper, he said it was there before.")


def test_a_time_denied_or_counted_from_the_call() -> None:
    assert analyze("Дороже, чем у конкурентов. Зато приехали за полчаса, а не за три часа.").sentiment == "positive"
    assert analyze("Was preparing for a night in the car. Truck turned up forty min after I called.").sentiment != (
        "negative"
    )
    assert Topic.LATE in topics("Приехали через три часа, а не через 30 минут.")
    assert Topic.LATE in topics("Arrived 1h50 after booking.")
    assert Topic.LATE in topics("Arrived 50 min after I called, they said 15")


def test_sums_other_firms_asked_compare_in_the_services_favour() -> None:
    analysis = analyze("All the other recovery firms wanted £200+. You lot did it for £90.")
    assert analysis.sentiment == "positive", analysis
    assert Topic.PRICE in analysis.topics
    assert analyze("Other firms charge £40. You charged me £95.").sentiment == "negative"
    assert analyze("Quoted £70 on the phone. Card statement says £112.").sentiment == "negative"


def test_a_wait_as_the_app_wrote_and_nothing_unreasonable() -> None:
    assert analyze("Ожидание 35 минут, как и написали в приложении. Работа 10 минут.").sentiment != "negative"
    assert analyze("Bit of a wait on a Sunday night but nothing unreasonable.").sentiment != "negative"
    assert analyze("Ожидание 35 минут, хотя написали 10.").sentiment == "negative"
    assert analyze("Nothing worked.").sentiment == "negative"


def test_a_complaint_noun_denied_after_it_is_no_complaint() -> None:
    assert analyze("Опозданий не было, мастер всё сделал.").sentiment == "positive"
    analysis = analyze("Царапин на машине не было.")
    assert analysis.sentiment != "negative", analysis
    assert Topic.DAMAGE not in analysis.topics
    assert Topic.RUDE in topics("Вежливым мастер не был.")
    assert Topic.COMMUNICATION in topics("Звонка от мастера не было два часа.")


def test_a_better_outcome_denied_as_impossible_and_a_letdown_denied_are_praise() -> None:
    assert analyze("Couldn't have gone better.").sentiment == "positive"
    assert analyze("Five years a member and they have never let me down.").sentiment == "positive"
    assert analyze("Ни разу не подвели за три года.").sentiment == "positive"
    assert analyze("Couldn't have been worse.").sentiment == "negative"
    assert analyze("Аккумулятор подвёл на трассе, мастер приехал за 20 минут.").sentiment == "positive"


def test_otherwise_opening_a_sentence_gives_the_verdict_on_the_rest() -> None:
    analysis = analyze("Took about an hour, he got lost on the way. Otherwise a great job.")
    assert analysis.sentiment == "positive", analysis
    assert Topic.LATE in analysis.topics
    assert analyze("Ждали час. В остальном всё хорошо, мастер толковый.").sentiment == "positive"
    assert analyze("Fast. Otherwise useless.").sentiment == "negative"


def test_blame_the_writer_takes_names_no_fault_of_the_job() -> None:
    for text in ("My fault, forgot to close the boot and the battery died.", "Мой косяк, забыл выключить фары."):
        analysis = analyze(text)
        assert analysis.sentiment != "negative", analysis
        assert not set(analysis.topics) & COMPLAINT_TOPICS, analysis
    assert Topic.RUDE in topics("He said it was my fault.")
    assert analyze("Мой косяк, но мастер мог бы и предупредить, что запаска спущена.").sentiment == "negative"


def test_damage_a_stranger_or_a_stone_did_before_help_came() -> None:
    for text in (
        "Somebody had clipped my wing mirror in the night. The patrol guy taped it up so I could drive.",
        "Камнем разбило фару на трассе, довезли до сервиса.",
    ):
        analysis = analyze(text)
        assert analysis.sentiment != "negative", analysis
        assert Topic.DAMAGE not in analysis.topics, analysis
    assert Topic.DAMAGE in topics("Кто-то поцарапал машину, пока она стояла у вас на стоянке.")


def test_a_fear_conceded_after_good_news_and_look_alikes_of_complaints() -> None:
    assert analyze("Ни царапины на бампере, хотя я очень переживала.").sentiment != "negative"
    assert analyze("No damage, although I was nervous the whole time because he drove like a maniac.").sentiment == (
        "negative"
    )
    assert analyze("Car came off the truck without a scratch.").sentiment != "negative"
    assert Topic.NOT_FIXED not in topics("Would be nice to get an SMS too, I didn't have the app open.")
    assert analyze("Never had to use roadside assistance before and I was nervous.").sentiment != "negative"


# The learned second opinion (feedback/comments/learned.py)


def _learned_cue(text: str) -> str | None:
    return next((cue.phrase for cue in analyze(text).cues if cue.phrase.startswith("learned model: ")), None)


def test_an_overturned_complaint_says_so_in_its_cues() -> None:
    text = "Called at 02:10, tech on scene 02:55, gone by 03:20. Quiet night on the A1 apparently."
    assert analyze(text, learned_opinion=False).sentiment == "negative"
    analysis = analyze(text)
    assert analysis.sentiment == "neutral"
    cue = _learned_cue(text)
    assert cue is not None
    assert cue.startswith("learned model: no complaint (")
    assert next(c.weight for c in analysis.cues if c.phrase == cue) > 2.0  # minus the log-odds of a complaint


def test_a_complaint_the_rules_missed_is_raised_with_its_words() -> None:
    text = "Диспетчер на вопрос «когда?» каждый раз отвечала «скоро». Скоро растянулось на два с лишним часа."
    assert analyze(text, learned_opinion=False).sentiment != "negative"
    analysis = analyze(text)
    assert analysis.sentiment == "negative"
    assert analysis.score < 0
    cue = _learned_cue(text)
    assert cue is not None
    assert cue.startswith("learned model: a complaint (")


@pytest.mark.parametrize(
    "text",
    [
        "Waited two and a half hours on the hard shoulder and nobody called me back once.",
        "He scratched my alloy taking the wheel off and then told me it was already like that.",
        "Мастер нагрубил, поцарапал бампер и ещё взял наличными сверх того, что было в приложении.",
        "Ждала эвакуатор четыре часа на морозе с ребёнком, в итоге никто так и не приехал.",
    ],
)
def test_clear_complaints_stay_negative(text: str) -> None:
    analysis = analyze(text)
    assert analysis.sentiment == "negative"
    assert _learned_cue(text) is None


@pytest.mark.parametrize("text", ["Der Mechaniker kam nie.", "Не быстро и не дёшево.", "Thanks for nothing."])
def test_short_or_foreign_comments_keep_the_rules_verdict(text: str) -> None:
    assert analyze(text) == analyze(text, learned_opinion=False)


def test_the_learned_model_is_deterministic_and_current() -> None:
    from feedback.comments import learned

    first, second = learned.train_on(learned.DEV_SET), learned.train_on(learned.DEV_SET)
    assert learned.render(first) == learned.render(second)
    # The shipped weights are what the dev set gives: regenerate with `python -m feedback.comments.train`.
    assert learned.WEIGHTS_FILE.read_text(encoding="utf-8") == learned.render(first)
    assert learned.load() == first
    text = "My fault entirely, left the lights on overnight. Jumped in five minutes, thanks."
    assert learned.opinion(text) == learned.opinion(text, first)
