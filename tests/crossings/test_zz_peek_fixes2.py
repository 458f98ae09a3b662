import re
from tests.crossings.test_incident_pages import *  # noqa
from tests.crossings.test_incident_pages import _client, _form, _traveller

def test_peek(monitor, crossing, monitors):
    _traveller(crossing, "410000001", given_name_ar="سلمى")
    body = _client(monitor).post("/crossing/incidents/new/", _form(crossing, people="410000001\n410000009", check="1")).content.decode()
    print(re.search(r'<div id="people-found".*?</div>', body, re.S).group(0))
    roaming = UserFactory(username="roaming", party=monitors, roles=[Role.CROSSING_OFFICER])
    body = _client(roaming).get("/crossing/incidents/new/").content.decode()
    print(re.search(r'<section class="card">.*?</section>', body, re.S).group(0))
