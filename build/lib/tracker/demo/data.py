"""The demo: Leicester City Council's 2008 Joint Area Review and a live action plan for it.

The inspection, its grades and its 16 recommendations are as published (Leicester City Council,
report to OSMB and Cabinet, August 2008). The people and actions are illustrative; action dates
are placed around the day the demo is loaded so that there is always something overdue, due
soon, on track and complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

# The documented demo log-in.
DEMO_PASSWORD = "demo-tracker-password"  # nosec B105
DEMO_SOURCE_KEY = "demo:leicester-jar-2008"


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    email: str
    role: str
    job_title: str
    organisation: str
    line_manager: str | None = None


PEOPLE = (
    DemoPerson("admin", "Priya Shah", "admin@demo.test", "admin", "Systems administrator", "Leicester City Council"),
    DemoPerson(
        "director", "Margaret Bell", "director@demo.test", "viewer",
        "Interim Director of Children and Young People's Services", "Leicester City Council",
    ),
    DemoPerson(
        "pm", "Jo Clarke", "programme.manager@demo.test", "programme_manager",
        "Children's policy and planning manager", "Leicester City Council", "director",
    ),
    DemoPerson(
        "sm", "Sam Patel", "service.manager@demo.test", "service_manager",
        "Head of Service, Looked After Children", "Leicester City Council", "director",
    ),
    DemoPerson(
        "viewer", "Cllr Morgan Reid", "viewer@demo.test", "viewer",
        "Lead member for children and young people", "Leicester City Council",
    ),
    DemoPerson(
        "schools", "Ruth Allen", "ruth.allen@demo.test", "service_manager",
        "Head of School Improvement", "Leicester City Council", "director",
    ),
    DemoPerson(
        "yos", "Tom Hughes", "tom.hughes@demo.test", "service_manager",
        "Head of Youth Offending Service", "Leicester City Council", "director",
    ),
    DemoPerson(
        "send", "Chris Boyle", "chris.boyle@demo.test", "service_manager",
        "Head of Special Educational Needs and Disability", "Leicester City Council", "director",
    ),
    DemoPerson(
        "health", "Dr Helen Ward", "helen.ward@demo.test", "service_manager",
        "Associate Director, Children's Commissioning", "NHS Leicester City", None,
    ),
    DemoPerson(
        "tp", "Aisha Khan", "aisha.khan@demo.test", "service_manager",
        "Teenage Pregnancy Coordinator", "NHS Leicester City", "health",
    ),
    DemoPerson(
        "police", "DI Mark Evans", "mark.evans@demo.test", "service_manager",
        "Detective Inspector, Child Abuse Investigation Unit", "Leicestershire Constabulary", None,
    ),
    DemoPerson(
        "workforce", "Lena Novak", "lena.novak@demo.test", "service_manager",
        "Workforce Development Manager", "Leicester City Council", "director",
    ),
)  # fmt: skip

AGENCY = {
    "schools": "Leicester City Council (schools)",
    "health": "NHS Leicester City",
    "tp": "NHS Leicester City",
    "police": "Leicestershire Constabulary",
}
DEFAULT_AGENCY = "Leicester City Council"

# The Inspection's columns, as keyword arguments.
INSPECTION: dict[str, Any] = {
    "authority": "Leicester City Council",
    "title": "Joint Area Review of services for children and young people in Leicester",
    "framework": "JAR",
    "inspectorate": "Ofsted, Healthcare Commission and Audit Commission",
    "inspection_start_on": date(2008, 1, 21),
    "inspection_end_on": date(2008, 2, 8),
    "received_on": date(2008, 5, 20),
    "published_on": date(2008, 6, 3),
    "overall_judgement": "Service management: 2 (adequate)",
    "source_filename": "leicester-jar-2008.pdf",
}

JUDGEMENTS = (
    ("Safeguarding", "3"),
    ("Looked after children", "3"),
    ("Learning difficulties and/or disabilities", "2"),
    ("Service management", "2"),
    ("Capacity to improve", "2"),
)

ADDRESSEE = "The local partnership"

# (timescale, recommendation text, [(action title, owner key, success criteria), ...])
RECOMMENDATIONS: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("immediate",
     "ensure that an appropriate way is found for the successful dissemination of the findings of this "
     "report to children and young people in the area",
     (("Produce a young people's summary of the JAR findings with the Youth Council", "pm",
       "Summary co-written with the Youth Council and published on the council website"),
      ("Present the findings at every secondary school council", "schools",
       "All 17 secondary school councils briefed; feedback collected"),
      ("Share the findings with looked after children through the Children in Care Council", "sm",
       "Children in Care Council session held and recorded"))),
    ("immediate",
     "review its provision and reprioritise action to reduce the number of vulnerable young people, "
     "including those with learning difficulties and/or disabilities, who are not in education, "
     "employment or training",
     (("Map NEET provision against need for young people with learning difficulties", "send",
       "Gap analysis agreed by the 14-19 Partnership"),
      ("Reprioritise Connexions caseloads towards vulnerable groups", "schools",
       "NEET among vulnerable groups reduced by 2 percentage points"),
      ("Set up a monthly NEET tracking panel with colleges and providers", "schools",
       "Panel meeting monthly with named cases tracked"))),
    ("immediate",
     "develop a performance management system for school improvement which is fit for purpose",
     (("Agree a school improvement performance framework with headteachers", "schools",
       "Framework signed off by the Schools Forum"),
      ("Introduce termly data reviews for every school causing concern", "schools",
       "Every school causing concern reviewed each term"),
      ("Report school improvement performance to the partnership quarterly", "pm",
       "Quarterly report received by the Children's Trust Board"))),
    ("immediate",
     "ensure that all looked after children have qualified social workers allocated to them",
     (("Allocate a qualified social worker to every looked after child", "sm",
       "100% of looked after children have a qualified social worker"),
      ("Weekly allocation report to the Head of Service", "sm",
       "Report produced every week and unallocated cases escalated within 2 days"),
      ("Recruit to vacant social worker posts in the looked after children teams", "workforce",
       "Vacancy rate below 10%"))),
    ("immediate",
     "implement the Teenage Pregnancy National Support Team recommendations in order to improve the "
     "quality of data and analysis to inform action to reduce teenage pregnancies",
     (("Agree a teenage pregnancy data set with the Primary Care Trust", "tp",
       "Ward-level conception data reported quarterly"),
      ("Commission analysis of conceptions in West Leicester hotspots", "health",
       "Analysis published and used to target services"))),
    ("six_months",
     "develop a coordinated strategy and detailed action plans to coordinate and improve services for "
     "children and young people who have learning difficulties and/or disabilities",
     (("Write a joint LDD strategy with health and schools", "send",
       "Strategy approved by the Children's Trust Board"),
      ("Set up an LDD strategy group with parent carer representation", "send",
       "Group meeting every six weeks with parent carers attending"),
      ("Publish detailed action plans for each LDD priority", "pm",
       "Action plans published with owners and dates"))),
    ("six_months",
     "improve the evaluation of provision for children and young people who have learning difficulties "
     "and/or disabilities, and use this information to improve the progress they make",
     (("Introduce an outcomes framework for specialist provision", "send",
       "Framework in use in all special schools and units"),
      ("Track the progress of pupils with statements termly", "schools",
       "Termly progress report to the LDD strategy group"))),
    ("six_months",
     "reduce the rate of offending by looked after young people and re-offending in the 13–18 age group",
     (("Joint protocol with the police to avoid criminalising looked after children in care homes", "police",
       "Protocol signed by the police, the council and providers"),
      ("Targeted re-offending programme for 13 to 18 year olds", "yos",
       "Re-offending rate reduced to the statistical neighbour average"),
      ("Restorative approaches training for residential staff", "sm",
       "All residential staff trained"))),
    ("six_months",
     "set clear and challenging targets at partnership, school and individual levels which will improve "
     "the educational progress and the attainment of young people between the ages of 11 and 16",
     (("Agree challenging Key Stage 3 and 4 targets with every secondary school", "schools",
       "Targets agreed and in the top quartile of progress nationally"),
      ("Individual pupil target setting in all secondary schools", "schools",
       "Every pupil aged 11-16 has a target reviewed each term"))),
    ("six_months",
     "establish a clear focus on value for money through strategic commissioning and service planning "
     "across the partnership",
     (("Adopt a joint commissioning strategy for children's services", "pm",
       "Strategy approved by the Children's Trust Board"),
      ("Value for money review of the three largest commissioned services", "health",
       "Reviews complete with savings reinvested"))),
    ("six_months",
     "tackle problems of capacity through joint workforce planning and development",
     (("Produce a joint children's workforce strategy", "workforce",
       "Strategy agreed by all partners"),
      ("Common induction programme for the children's workforce", "workforce",
       "All new starters complete the common induction within 3 months"),
      ("Introduce a social work career progression scheme", "workforce",
       "Scheme launched and retention improved"))),
    ("six_months",
     "set challenging targets for service improvement across the partnership and establish a robust "
     "system of service management across the partnership",
     (("Partnership performance scorecard reviewed monthly", "pm",
       "Scorecard reviewed at every monthly performance meeting"),
      ("Service plans with challenging targets for every service", "pm",
       "All service plans include SMART targets"),
      ("Quarterly performance clinics with service heads", "director",
       "Clinics held every quarter with actions recorded"))),
    ("six_months",
     "ensure the sufficient availability of specialist therapy service provision for children and young "
     "people with learning difficulties and/or disabilities",
     (("Commission additional speech and language therapy capacity", "health",
       "Waiting time for therapy under 18 weeks"),
      ("Joint funding agreement for occupational therapy in special schools", "send",
       "Agreement signed and posts filled"))),
    ("six_months",
     "increase the capacity of out-patient services in CAMHS",
     (("Recruit two additional CAMHS clinicians", "health",
       "Both posts filled"),
      ("Reduce CAMHS out-patient waiting times", "health",
       "95% seen within 13 weeks"),
      ("Primary mental health workers in every locality team", "health",
       "A primary mental health worker in each of the locality teams"))),
    ("longer_term",
     "improve health outcomes for young parents and children",
     (("Extend the Family Nurse Partnership to West Leicester", "tp",
       "Family Nurse Partnership places available in West Leicester"),
      ("Improve uptake of antenatal care among teenage mothers", "tp",
       "80% of teenage mothers booked by 12 weeks"))),
    ("longer_term",
     "improve educational attainment by looked after children and young people",
     (("Virtual school head for looked after children", "sm",
       "Virtual school head in post and reporting termly"),
      ("Personal education plans reviewed each term", "sm",
       "95% of looked after children have an up-to-date personal education plan"),
      ("Reduce fixed-term exclusions of looked after children", "schools",
       "Fixed-term exclusions halved"),
      ("One-to-one tuition for looked after children in Years 10 and 11", "schools",
       "Every looked after child in Years 10 and 11 offered tuition"))),
)  # fmt: skip

NARRATIVES = {
    "green": (
        "Work is on track. The lead officer has met partners and agreed the approach.",
        "Good progress this month: the first milestones are complete and the evidence is saved.",
        "On track. Reported to the Children's Trust Board; no risks to delivery.",
    ),
    "amber": (
        "At risk: partner sign-off is later than planned. A meeting is booked to resolve it.",
        "Slippage of two weeks because of staff absence; recovery plan agreed with the Head of Service.",
    ),
    "red": (
        "Off track: recruitment has not attracted suitable candidates. Re-advertised with a market supplement.",
        "Off track: funding for the second phase is not yet agreed between partners. Escalated to the Director.",
    ),
    "blue": ("Complete. Evidence of the success criteria being met is filed with the programme office.",),
}
