from __future__ import annotations

from pathlib import Path

from desktop_app.models.database import Database, backup_sqlite
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.templates import fill, first_name
from tests.support.factories import World


def test_routing_suggests_the_department_by_lemmas_and_past_routing(
    world: World, services: AppServices
) -> None:
    past = world.arrive("Огромные ямы на дороге по улице Мира, асфальт разрушен, машины ломаются.")
    services.workflow.route_message(world.operator, past, world.version(past), world.roads.id)
    message_id = world.arrive(
        "Когда заделают ямы на дорогах? Асфальта почти нет, машины ломаются каждый день."
    )
    advice = services.routing.advise(message_id)
    assert advice.departments[0].department_id == world.roads.id
    assert "яма" in advice.departments[0].reason and "похожих" in advice.departments[0].reason
    assert advice.redirect is None


def test_routing_flags_messages_outside_the_administrations_competence(
    world: World, services: AppServices
) -> None:
    message_id = world.arrive("В поликлинике на Мира невозможно записаться к врачу, кто ответит?")
    advice = services.routing.advise(message_id)
    assert advice.redirect is not None
    assert "здравоохранения" in advice.redirect.target
    assert advice.redirect.reason


def test_template_placeholders_are_filled_and_unknown_ones_kept(world: World, services: AppServices) -> None:
    template_id = services.templates.save(
        world.operator,
        "Работы запланированы",
        "Здравствуйте, {first_name}!\nРаботы в {department}.\n{signature}\n{итог}",
    )
    text = services.templates.render(template_id, "Мария Кузнецова", "vk", "Управление ЖКХ")
    assert text.splitlines() == [
        "Здравствуйте, Мария!",
        "Работы в Управление ЖКХ.",
        "Администрация городского округа город Елец",
        "{итог}",
    ]
    assert first_name("kot_vasya") == ""
    assert fill("{author_name}", {"author_name": "<b>x</b>"}) == "<b>x</b>"


def test_sqlite_backup_before_migration_is_a_consistent_copy(database: Database, tmp_path: Path) -> None:
    if database.dialect != "sqlite":
        assert backup_sqlite(database) is None
        return
    backup = backup_sqlite(database)
    assert backup is not None and backup.exists()
    copy = Database(f"sqlite:///{backup}")
    with copy.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
    copy.dispose()


def test_multi_word_competence_phrases_match_in_any_form() -> None:
    from desktop_app.models.entities import Department
    from desktop_app.services.routing import RoutingAdvisor

    education = Department(id=7, name="Управление образования", competence_keywords="детский сад\nшкола")
    advice = RoutingAdvisor.advise_text(
        RoutingAdvisor(None),
        "Почему в детском саду № 5 нет горячей воды?",
        [education],
        [],  # type: ignore[arg-type]
    )
    assert advice.departments[0].reason == "совпадения: детский сад"
