from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 09. 메일 큐

    MTA는 받은 메일을 먼저 **큐 디렉터리**에 파일로 적어 둔 뒤 배달합니다. 바로 배달하지 못한 메일
    (상대 서버가 응답하지 않는 등)은 큐에 남아 있다가 나중에 다시 시도됩니다.

    | 무엇 | 어디 / 어떻게 |
    | --- | --- |
    | MTA(sendmail 데몬)의 큐 | `/var/spool/mqueue` (`O QueueDirectory`) |
    | 메일 보내는 프로그램(MSP, `submit.cf`)의 큐 | `/var/spool/clientmqueue` |
    | 큐 보기 | `mailq` = `sendmail -bp` |
    | 클라이언트 큐 보기 | `mailq -Ac` = `sendmail -bp -oQ/var/spool/clientmqueue` |
    | 지금 큐 처리 | `sendmail -q` (클라이언트 큐는 `sendmail -Ac -q`) |
    | 배달 방식 | `O DeliveryMode` (background, queueonly, interactive, deferred) |
    | 반송까지의 시간 | `O Timeout.queuereturn` (기본 5d) |
    """, en="""
    # 09. The mail queue

    An MTA first writes every accepted message as files in its **queue directory**, then delivers.
    Mail it cannot deliver yet (the other server does not answer, ...) stays queued and is tried again later.

    | What | Where / how |
    | --- | --- |
    | the MTA's (sendmail daemon's) queue | `/var/spool/mqueue` (`O QueueDirectory`) |
    | the mail submission program's queue (MSP, `submit.cf`) | `/var/spool/clientmqueue` |
    | show the queue | `mailq` = `sendmail -bp` |
    | show the client queue | `mailq -Ac` = `sendmail -bp -oQ/var/spool/clientmqueue` |
    | process the queue now | `sendmail -q` (client queue: `sendmail -Ac -q`) |
    | how mail is delivered | `O DeliveryMode` (background, queueonly, interactive, deferred) |
    | time until mail is returned | `O Timeout.queuereturn` (default 5d) |
    """),
    start(),
    code("%grep -E '^O (QueueDirectory|DeliveryMode|Timeout.queuereturn|Timeout.queuewarn)=' /etc/mail/sendmail.cf",
         "seed:O15", "seed:O13", "seed:O14"),
    md(ko="""
    ## 큐 파일 보기
    바깥 주소로 한 통 보내면, 이 연습 환경은 인터넷에 나갈 수 없으므로 메일이 큐에 남습니다.
    `qf`는 봉투와 헤더(control file), `df`는 본문(data file)입니다.
    """, en="""
    ## Queue files
    Send one message to an outside address: the sandbox cannot reach the Internet, so it stays
    queued. `qf` holds the envelope and headers (control file), `df` the body (data file).
    """),
    code("""
    %host echo "Quarterly numbers attached." | mail -s "Q3" dave@example.com
    %ls /var/spool/mqueue
    """, "seed:O15", "seed:A01"),
    code("%cat /var/spool/mqueue/qf*", "seed:O15"),
    md(ko="""
    ## `sendmail -bp`와 `mailq`
    둘은 같은 명령입니다. 큐 ID, 크기, 큐에 들어온 시각, 보낸 사람, 받는 사람, 그리고 못 보낸 까닭을 보여 줍니다.
    """, en="""
    ## `sendmail -bp` and `mailq`
    The same command twice: queue id, size, time queued, sender, recipient, and why it is still there.
    """),
    code("%sendmail -bp", "seed:K01"),
    code("%mailq", "seed:K01", "seed:K02"),
    md(ko="""
    ## O DeliveryMode: 바로 배달할까, 큐에 쌓아 둘까
    | 값 | 뜻 |
    | --- | --- |
    | `background` (b) | 받고 나서 뒤에서 바로 배달(기본) |
    | `interactive` (i) | 배달을 마친 뒤에 받았다고 응답 |
    | `queueonly` (q) | 큐에만 넣어 두고, 다음 큐 처리(`sendmail -q`) 때 배달 |
    | `deferred` (d) | queueonly와 비슷하고 DNS 조회도 미룸 |

    `queueonly`로 바꾸면 로컬 사용자에게 보낸 메일도 큐에 쌓입니다.
    """, en="""
    ## O DeliveryMode: deliver now, or pile up in the queue
    | Value | Meaning |
    | --- | --- |
    | `background` (b) | accept, then deliver at once in the background (default) |
    | `interactive` (i) | deliver first, then answer that it was accepted |
    | `queueonly` (q) | only queue it; deliver at the next queue run (`sendmail -q`) |
    | `deferred` (d) | like queueonly, and DNS lookups wait too |

    With `queueonly`, even mail for local users piles up in the queue.
    """),
    code("""
    edit("/etc/mail/sendmail.cf", "O DeliveryMode=background", "O DeliveryMode=queueonly")
    %systemctl restart sendmail
    """, "seed:O13"),
    code("""
    %%host
    echo "one" | mail -s "first" alice
    echo "two" | mail -s "second" alice
    mailq
    ls -l /var/spool/mail/alice
    """, "seed:O13"),
    md(ko="""
    alice의 메일함은 비어 있고 큐에 두 통이 기다립니다. 큐를 지금 처리합니다(`-v`: 무슨 일이 있었는지 출력).
    """, en="""
    alice's mailbox is empty and two messages wait in the queue. Run the queue now (`-v`: say what happened).
    """),
    code("""
    %sendmail -q -v
    %mail -H -u alice
    """, "seed:O13", "seed:K01"),
    code("""
    edit("/etc/mail/sendmail.cf", "O DeliveryMode=queueonly", "O DeliveryMode=background")
    %systemctl restart sendmail
    """, "seed:O13"),
    md(ko="""
    ## clientmqueue와 `mailq -Ac`
    `mail`이나 `sendmail`로 보낸 메일은 먼저 메일 제출 프로그램(MSP)이 받아서 `submit.cf` 설정에 따라
    25번 포트의 MTA에 넘깁니다. MTA가 꺼져 있으면 넘기지 못하고 <strong>`/var/spool/clientmqueue`</strong>에
    쌓아 둡니다. 이 큐는 그냥 `mailq`에는 보이지 않고 <strong>`mailq -Ac`</strong>나
    <strong>`sendmail -bp -oQ/var/spool/clientmqueue`</strong>로 봅니다(`-oQ`: 다른 큐 디렉터리를 지정).
    """, en="""
    ## clientmqueue and `mailq -Ac`
    Mail sent with `mail` or `sendmail` first goes to the mail submission program (MSP), which hands
    it to the MTA on port 25 as `submit.cf` says. While the MTA is down it cannot, and keeps the mail
    in **`/var/spool/clientmqueue`**. Plain `mailq` does not show that queue: use **`mailq -Ac`** or
    **`sendmail -bp -oQ/var/spool/clientmqueue`** (`-oQ` names another queue directory).
    """),
    code("%grep -E '^O QueueDirectory' /etc/mail/submit.cf", "seed:K02"),
    code("""
    %%host
    systemctl stop sendmail
    echo "Are you there?" | mail -s "while down" bob
    mailq -Ac
    """, "seed:K02"),
    code("%sendmail -bp -oQ/var/spool/clientmqueue", "seed:K01", "seed:K02"),
    code("%mailq", "seed:K02"),
    md(ko="""
    sendmail을 다시 켜고 클라이언트 큐를 처리하면(`sendmail -Ac -q`) MTA로 넘어가 배달됩니다.
    """, en="""
    Start sendmail again and run the client queue (`sendmail -Ac -q`): the mail moves on to the MTA and is delivered.
    """),
    code("""
    %%host
    systemctl start sendmail
    sendmail -Ac -q -v
    mailq -Ac
    mail -H -u bob
    """, "seed:K02"),
    md(ko="""
    ## Timeout.queuereturn와 Dn: 반송 메일
    끝내 배달하지 못한 메일은 `O Timeout.queuereturn` 기간(기본 5일)이 지나면 보낸 사람에게 반송됩니다.
    반송 메일의 보낸 사람 이름은 `Dn` 매크로(기본 `MAILER-DAEMON`)입니다.
    기다리기 지루하니 1시간으로 줄이고, 반송하는 이름도 `Postmaster`로 바꾼 뒤 호스트 시계를 2시간 앞으로 돌립니다.
    """, en="""
    ## Timeout.queuereturn and Dn: bounces
    Mail that still cannot be delivered after `O Timeout.queuereturn` (default 5 days) goes back to
    its sender. The bounce comes from the user named by the `Dn` macro (default `MAILER-DAEMON`).
    Waiting is dull: shorten it to 1 hour, rename the bouncer to `Postmaster`, and move the host's
    clock 2 hours ahead.
    """),
    code("""
    edit("/etc/mail/sendmail.cf", "O Timeout.queuereturn=5d", "O Timeout.queuereturn=1h")
    edit("/etc/mail/sendmail.cf", "DnMAILER-DAEMON", "DnPostmaster")
    %systemctl restart sendmail
    """, "seed:O14", "seed:O05"),
    code("""
    %mailkit advance 2h
    %sendmail -q -v
    %mailq
    """, "seed:O14"),
    code("""
    %%host
    mail -H -u root
    grep -E '^(From|Subject):' /var/spool/mail/root
    """, "seed:O14", "seed:O05"),
    md(ko="""
    `dave@example.com`으로 보낸 메일이 큐에서 빠지고, `Postmaster`가 보낸 반송 메일(“Returned mail”)이
    보낸 사람 root에게 왔습니다.

    ## 위젯: QueueInspector
    큐를 표로 보고, 메일을 골라 내용을 보거나 지우고, `sendmail -q`로 큐를 처리할 수 있습니다.
    """, en="""
    The message to `dave@example.com` left the queue, and a bounce ("Returned mail") from
    `Postmaster` reached its sender, root.

    ## Widget: QueueInspector
    The queue as a table: pick a message to view or delete it, or run the queue with `sendmail -q`.
    """),
    code("""
    %host echo "stuck" | mail -s "for the widget" erin@example.org
    inspector = QueueInspector(queue="/var/spool/mqueue")
    print(inspector.ids)
    inspector
    """, "seed:A01"),
    quiz(
        q(("메일 큐를 보여 주는 명령을 모두 고르세요.", ["mailq", "sendmail -bp", "sendmail -bi", "newaliases"],
           "mailq와 sendmail -bp는 같습니다. -bi는 별칭 갱신입니다."),
          ("Which commands show the mail queue? Choose all.", ["mailq", "sendmail -bp", "sendmail -bi", "newaliases"],
           "mailq and sendmail -bp are the same; -bi rebuilds aliases."), [0, 1]),
        q(("/var/spool/clientmqueue의 상태를 보여 주는 명령을 모두 고르세요.", ["mailq -Ac", "sendmail -bp -oQ/var/spool/clientmqueue", "mailq", "sendmail -q"],
           "-Ac는 submit.cf의 큐, -oQ는 큐 디렉터리를 직접 지정합니다."),
          ("Which commands show /var/spool/clientmqueue? Choose all.", ["mailq -Ac", "sendmail -bp -oQ/var/spool/clientmqueue", "mailq", "sendmail -q"],
           "-Ac uses submit.cf's queue; -oQ names the queue directory."), [0, 1]),
        q(("mailq -Ac가 참조하는 설정 파일은?", ["/etc/mail/submit.cf", "/etc/mail/sendmail.cf", "/etc/mail/access", "/etc/aliases"], ""),
          ("Which configuration file does mailq -Ac use?", ["/etc/mail/submit.cf", "/etc/mail/sendmail.cf", "/etc/mail/access", "/etc/aliases"], ""), 0),
        q(("발송하지 못한 메일을 보낸 사람에게 반송할 때까지의 기간을 정하는 항목은?", ["O Timeout.queuereturn", "O Timeout.queuewarn", "O QueueDirectory", "O DeliveryMode"],
           "queuereturn(기본 5d)이 반송, queuewarn은 경고만 보냅니다."),
          ("Which item sets how long until undeliverable mail is returned to the sender?", ["O Timeout.queuereturn", "O Timeout.queuewarn", "O QueueDirectory", "O DeliveryMode"],
           "queuereturn (default 5d) returns it; queuewarn only warns."), 0),
        q(("반송 메일을 보낼 때 쓰는 사용자 이름을 지정하는 항목은?", ["Dn", "Dj", "Cw", "Ft"], "Dn, 기본값 MAILER-DAEMON."),
          ("Which item names the user bounces come from?", ["Dn", "Dj", "Cw", "Ft"], "Dn, default MAILER-DAEMON."), 0),
        q(("메일 큐 디렉터리를 지정하는 sendmail.cf 항목은?", ["O QueueDirectory", "O AliasFile", "O ForwardPath", "Fw"], "O QueueDirectory=/var/spool/mqueue"),
          ("Which sendmail.cf item names the queue directory?", ["O QueueDirectory", "O AliasFile", "O ForwardPath", "Fw"], "O QueueDirectory=/var/spool/mqueue"), 0),
    ),
    end(),
]
