"""POST /api/v1/residents/import (PRODUCT 7.1): real spreadsheets, upsert by roll number, all or nothing, limits."""

from __future__ import annotations

from tests.factories import PASSWORD

HEADER = "roll_no,name,email,diet,active_from,active_to,room,phone"


async def upload(world, who, content: bytes | str, **params):  # type: ignore[no-untyped-def]
    data = content.encode() if isinstance(content, str) else content
    files = {"file": ("residents.csv", data, "text/csv")}
    return await world.client.post("/api/v1/residents/import", files=files, params=params, headers=who.headers)


async def residents_of(world, who) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    answer = await world.client.get("/api/v1/residents", params={"limit": 500}, headers=who.headers)
    return {r["roll_no"]: r for r in answer.json()}


async def test_a_real_spreadsheet_imports(world):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    content = (
        "\ufeffRoll_No , Name,EMAIL,diet,active_from,active_to,room,phone\r\n"
        'CS21B001,"Sharma, Priya",priya@example.edu,Non-Veg,2026-07-01,,"B-12",98450 12345\r\n'
        "\r\n"
        'cs21b002, "Rao\nRavi" ,ravi@example.edu ,JAIN,15/07/2026,30/06/2027,C 3,\r\n'
        'CS21B003,Formula Fan,fan@example.edu,,,,=HYPERLINK("http://x"),\r\n'
    ).encode()
    preview = await upload(world, warden, content, dry_run="true")
    assert preview.status_code == 200, preview.text
    assert preview.json() == {"created": 3, "updated": 0, "unchanged": 0, "errors": []}
    assert await residents_of(world, warden) == {}

    done = await upload(world, warden, content)
    assert done.json() == {"created": 3, "updated": 0, "unchanged": 0, "errors": []}
    stored = await residents_of(world, warden)
    assert set(stored) == {"CS21B001", "cs21b002", "CS21B003"}
    priya = stored["CS21B001"]
    assert (priya["name"], priya["diet"], priya["room"], priya["phone"]) == (
        "Sharma, Priya",
        "non_veg",
        "B-12",
        "98450 12345",
    )
    ravi = stored["cs21b002"]
    assert (ravi["name"], ravi["active_from"], ravi["active_to"]) == ("Rao\nRavi", "2026-07-15", "2027-06-30")
    fan = stored["CS21B003"]
    assert (fan["diet"], fan["active_from"], fan["room"]) == ("veg", "2026-03-10", '=HYPERLINK("http://x")')

    again = (
        'roll_no,name,email,room\nCS21B001,"Sharma, Priya",priya@example.edu,B-14\n'
        "CS21B002,Rao\nRavi,ravi@example.edu,C 3\n"
    )
    second = await upload(world, warden, again)
    assert second.status_code == 422  # "Rao" then "Ravi" on its own line: Ravi lacks an email
    fixed = (
        'roll_no,name,email,room\nCS21B001,"Sharma, Priya",priya@example.edu,B-14\n'
        'CS21B002,"Rao\nRavi",ravi@example.edu,C 3\n'
    )
    second = await upload(world, warden, fixed)
    assert second.json() == {"created": 0, "updated": 1, "unchanged": 1, "errors": []}
    assert (await residents_of(world, warden))["CS21B001"]["room"] == "B-14"

    # An imported resident has no password until an invite: signing in fails.
    answer = await world.client.post("/api/v1/auth/token", data={"username": "cs21b001", "password": PASSWORD})
    assert answer.status_code == 401


async def test_bad_rows_are_named_and_nothing_is_written(world):
    mess = await world.mess()
    other = await world.mess()
    warden = await world.user("warden", mess.id)
    await world.resident(other.id, roll_no="ELSEWHERE1")
    content = "\n".join(
        [
            HEADER,
            "A1,Good Row,a1@example.edu,veg,2026-07-01,,,",
            "A2,,a2@example.edu,veg,,,,",
            "A3,Bad Mail,not-an-email,veg,,,,",
            "A4,Bad Diet,a4@example.edu,vegan,,,,",
            "A5,Month first,a5@example.edu,veg,04/15/2026,,,",
            "a1,Twin,twin@example.edu,veg,,,,",
            "elsewhere1,Moved,m@example.edu,veg,,,,",
            "A8,Backwards,a8@example.edu,veg,2026-07-01,2026-06-01,,",
            "A9,Not a day,a9@example.edu,veg,31/02/2026,,,",
            "A10,Short year,a10@example.edu,veg,01/07/26,,,",
        ]
    )
    answer = await upload(world, warden, content)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["code"] == "import_invalid" and body["created"] == 1
    errors = {(e["row"], e["field"]): e for e in body["errors"]}
    assert set(errors) == {
        (2, "name"),
        (3, "email"),
        (4, "diet"),
        (5, "active_from"),
        (6, "roll_no"),
        (7, "roll_no"),
        (8, "active_to"),
        (9, "active_from"),
        (10, "active_from"),
    }
    assert "first on row 1" in errors[(6, "roll_no")]["message"]
    assert "another mess" in errors[(7, "roll_no")]["message"]
    assert "no month 15" in errors[(5, "active_from")]["message"]
    assert "2026-04-15" in errors[(5, "active_from")]["message"]
    assert errors[(4, "diet")]["roll_no"] == "A4" and "vegan" in errors[(4, "diet")]["message"]
    assert "row 2" in body["detail"] and "two-digit year" in errors[(10, "active_from")]["message"]
    assert await residents_of(world, warden) == {}


async def test_limits_and_unreadable_files(world):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    big = await upload(world, warden, b"roll_no,name,email\n" + b"x" * (5 * 1024 * 1024))
    assert big.status_code == 413 and big.json()["code"] == "too_large"
    many = "roll_no,name,email\n" + "".join(f"R{i},N,r{i}@e.edu\n" for i in range(20_001))
    too_many = await upload(world, warden, many)
    assert too_many.status_code == 413 and "20,000" in too_many.json()["detail"]
    latin = await upload(world, warden, "roll_no,name,email\nR1,Jos\xe9,j@e.edu\n".encode("latin-1"))
    assert latin.status_code == 422 and "UTF-8" in latin.json()["detail"]
    no_email = await upload(world, warden, "roll_no,name\nR1,N\n")
    assert no_email.status_code == 422 and no_email.json()["errors"][0]["row"] == 0


async def test_only_wardens_import(world):
    mess = await world.mess()
    staff = await world.user("staff", mess.id)
    resident = await world.resident(mess.id)
    for who in (staff, resident):
        answer = await upload(world, who, "roll_no,name,email\nR1,N,r@e.edu\n")
        assert answer.status_code == 403


async def test_formulas_are_stored_as_text_and_exported_safely(world):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    content = (
        'roll_no,name,email,room,phone\nF1,"=HYPERLINK(""http://evil"",""x"")",f1@example.edu,@SUM(A1),+919845012345\n'
    )
    assert (await upload(world, warden, content)).json()["created"] == 1
    stored = (await residents_of(world, warden))["F1"]
    assert (stored["name"], stored["room"]) == ('=HYPERLINK("http://evil","x")', "@SUM(A1)")
    exported = await world.client.get("/api/v1/residents/export", headers=warden.headers)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    lines = exported.text.splitlines()
    assert lines[0] == "roll_no,name,email,diet,active_from,active_to,room,phone,allergens"
    assert lines[1].startswith(
        'F1,"\'=HYPERLINK(""http://evil"",""x"")",f1@example.edu,veg,2026-03-10,,\'@SUM(A1),\'+9198'
    )
    again = await upload(world, warden, exported.text)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 1, "errors": []}


async def test_an_allergens_column_sets_updates_and_round_trips(world):
    """Optional `allergens`: the fixed list's names in any case, several separated by ; , | or / (a quoted cell may
    hold commas), empty or "none" for none; a column left out leaves them alone; the export writes it back."""
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    content = (
        "roll_no,name,email,allergens\n"
        "AL1,Asha,asha@example.edu,Nuts; DAIRY\n"
        'AL2,Ravi,ravi@example.edu,"peanut, sesame"\n'
        "AL3,Meera,meera@example.edu,none\n"
        "AL4,Dev,dev@example.edu,\n"
        "AL5,Tara,tara@example.edu,eggs / tree nuts|Milk\n"
    )
    assert (await upload(world, warden, content)).json() == {"created": 5, "updated": 0, "unchanged": 0, "errors": []}
    stored = {roll: r["allergens"] for roll, r in (await residents_of(world, warden)).items()}
    assert stored == {
        "AL1": ["dairy", "nuts"],  # the list's order, whatever the cell's
        "AL2": ["peanuts", "sesame"],
        "AL3": [],
        "AL4": [],
        "AL5": ["dairy", "nuts", "egg"],
    }

    # Another order of the same allergens is no change; a new list updates; an empty cell clears.
    again = "roll_no,name,email,allergens\nAL1,Asha,asha@example.edu,dairy;nuts\nAL2,Ravi,ravi@example.edu,gluten\n"
    again += "AL5,Tara,tara@example.edu,\n"
    assert (await upload(world, warden, again)).json() == {"created": 0, "updated": 2, "unchanged": 1, "errors": []}
    # A file without the column leaves every resident's allergens as they are.
    rooms = "roll_no,name,email,room\nAL1,Asha,asha@example.edu,B-1\nAL2,Ravi,ravi@example.edu,B-2\n"
    assert (await upload(world, warden, rooms)).json()["updated"] == 2
    stored = {roll: r["allergens"] for roll, r in (await residents_of(world, warden)).items()}
    assert (stored["AL1"], stored["AL2"], stored["AL5"]) == (["dairy", "nuts"], ["gluten"], [])

    exported = await world.client.get("/api/v1/residents/export", headers=warden.headers)
    lines = exported.text.splitlines()
    assert lines[0].endswith(",phone,allergens") and lines[1].endswith(",B-1,,dairy; nuts")
    assert (await upload(world, warden, exported.text)).json()["unchanged"] == 5


async def test_a_bad_allergen_names_its_row_and_nothing_is_imported(world):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    content = (
        "roll_no,name,email,allergens\n"
        "BA1,Good Row,ba1@example.edu,dairy\n"
        "BA2,Celery Hater,ba2@example.edu,gluten; Celery\n"
        "BA3,Good Too,ba3@example.edu,\n"
    )
    answer = await upload(world, warden, content)
    assert answer.status_code == 422 and answer.json()["code"] == "import_invalid", answer.text
    body = answer.json()
    [problem] = body["errors"]
    assert (problem["row"], problem["roll_no"], problem["field"]) == (2, "BA2", "allergens")
    assert problem["message"] == (
        "'Celery' is not an allergen the mess tracks; write any of gluten, dairy, nuts, peanuts, egg, soy, fish, "
        "shellfish, sesame, mustard, separated by semicolons (e.g. dairy; nuts), or leave the cell empty"
    )
    assert body["detail"].startswith("nothing was imported: row 2: 'Celery' is not an allergen")
    assert await residents_of(world, warden) == {}  # the good rows neither
