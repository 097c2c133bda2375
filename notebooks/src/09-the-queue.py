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
           "mailq와 sendmail -bp는 같은 명령입니다.",
           ["맞는 보기.", "맞는 보기: mailq와 같습니다.", "-bi는 별칭 DB를 다시 만듭니다.", "newaliases도 별칭 DB를 만듭니다."]),
          ("Which commands show the mail queue? Choose all.", ["mailq", "sendmail -bp", "sendmail -bi", "newaliases"],
           "mailq and sendmail -bp are the same command.",
           ["Right.", "Right: the same as mailq.", "-bi rebuilds the alias database.", "newaliases builds the alias database too."]), [0, 1]),
        q(("/var/spool/clientmqueue의 상태를 보여 주는 명령을 모두 고르세요.", ["mailq -Ac", "mailq", "sendmail -bp -oQ/var/spool/clientmqueue", "sendmail -q"],
           "-Ac는 submit.cf의 큐를, -oQ는 큐 디렉터리를 직접 지정해서 봅니다.",
           ["맞는 보기: submit.cf의 큐(clientmqueue).", "그냥 mailq는 MTA의 큐 /var/spool/mqueue만 보여 줍니다.",
            "맞는 보기: -oQ로 디렉터리를 지정합니다.", "-q는 큐를 보여 주지 않고 처리(배달 시도)합니다."]),
          ("Which commands show /var/spool/clientmqueue? Choose all.", ["mailq -Ac", "mailq", "sendmail -bp -oQ/var/spool/clientmqueue", "sendmail -q"],
           "-Ac uses submit.cf's queue; -oQ names the queue directory.",
           ["Right: submit.cf's queue (clientmqueue).", "Plain mailq shows only the MTA's queue, /var/spool/mqueue.",
            "Right: -oQ names the directory.", "-q runs the queue (tries delivery); it shows nothing."]), [0, 2]),
        q(("mailq -Ac가 참조하는 설정 파일은?", ["/etc/mail/sendmail.cf", "/etc/mail/access", "/etc/aliases", "/etc/mail/submit.cf"],
           "-Ac는 메일 제출 프로그램(MSP)의 설정 submit.cf를 쓰라는 뜻이고, 그 큐가 /var/spool/clientmqueue입니다.",
           ["sendmail.cf는 MTA 데몬의 설정이고 큐는 /var/spool/mqueue입니다.", "access는 접근 제어 파일입니다.",
            "별칭 파일입니다.", "정답."]),
          ("Which configuration file does mailq -Ac use?", ["/etc/mail/sendmail.cf", "/etc/mail/access", "/etc/aliases", "/etc/mail/submit.cf"],
           "-Ac means: use the submission program's (MSP) configuration, submit.cf, whose queue is /var/spool/clientmqueue.",
           ["sendmail.cf configures the MTA daemon; its queue is /var/spool/mqueue.", "The access-control file.",
            "The alias file.", "Right."]), 3),
        q(("발송하지 못한 메일을 보낸 사람에게 반송할 때까지의 기간을 정하는 항목은?", ["O Timeout.queuewarn", "O Timeout.queuereturn", "O QueueDirectory", "O DeliveryMode"],
           "queuereturn(기본 5d)이 지나면 반송합니다. queuewarn(기본 4h)은 아직 못 보냈다는 경고만 보냅니다.",
           ["queuewarn은 경고만 보내고 메일은 계속 큐에 둡니다.", "정답.", "큐 디렉터리 경로입니다.", "배달 방식입니다."]),
          ("Which item sets how long until undeliverable mail is returned to the sender?", ["O Timeout.queuewarn", "O Timeout.queuereturn", "O QueueDirectory", "O DeliveryMode"],
           "After queuereturn (default 5d) it is returned; queuewarn (default 4h) only sends a warning.",
           ["queuewarn only warns; the mail stays queued.", "Right.", "The queue directory's path.", "The delivery mode."]), 1),
        q(("반송 메일을 보낼 때 쓰는 사용자 이름을 지정하는 항목은?", ["Dj", "Cw", "Dn", "Ft"], "Dn이고 기본값은 MAILER-DAEMON입니다.",
           ["Dj는 보내는 도메인 이름입니다.", "Cw는 받을 호스트 이름입니다.", "정답: DnMAILER-DAEMON.", "Ft는 신뢰 사용자입니다."]),
          ("Which item names the user bounces come from?", ["Dj", "Cw", "Dn", "Ft"], "Dn, default MAILER-DAEMON.",
           ["Dj is the sending domain name.", "Cw names receiving hosts.", "Right: DnMAILER-DAEMON.", "Ft names trusted users."]), 2),
        q(("메일 큐 디렉터리를 지정하는 sendmail.cf 항목은?", ["O QueueDirectory", "O AliasFile", "O ForwardPath", "Fw"], "O QueueDirectory=/var/spool/mqueue가 기본입니다.",
           ["정답.", "별칭 파일입니다.", ".forward를 찾는 경로입니다.", "받을 호스트 이름 목록 파일입니다."]),
          ("Which sendmail.cf item names the queue directory?", ["O QueueDirectory", "O AliasFile", "O ForwardPath", "Fw"], "The default is O QueueDirectory=/var/spool/mqueue.",
           ["Right.", "The alias file.", "Where .forward files are looked for.", "The file of names to receive for."]), 0),
        q(("다음 mailq 출력에 대한 설명으로 옳지 않은 것은?\n"
           "        /var/spool/mqueue (1 request)\n"
           "-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------\n"
           "6AT90001004242       28 Sun Nov 29 09:00 <root@localhost.localdomain>\n"
           "                 (Deferred: Name server: example.com.: host name lookup failure)\n"
           "                                         dave@example.com",
           ["큐 ID는 6AT90001004242이다", "root가 dave@example.com에게 보낸 메일이다",
            "상대 도메인의 이름을 찾지 못해 배달이 미뤄졌다", "이 메일은 배달을 포기하고 이미 반송되었다"],
           "Deferred는 미뤄졌다는 뜻입니다. 메일은 큐에 남아 다시 시도되고, Timeout.queuereturn이 지나야 반송됩니다.",
           ["옳은 설명: 첫 칸이 큐 ID입니다.", "옳은 설명: 보낸 사람 줄과 받는 사람 줄입니다.",
            "옳은 설명: host name lookup failure.", "정답(옳지 않음): 큐에 있는 한 반송되지 않았습니다."]),
          ("Which statement about this mailq output is NOT true?\n"
           "        /var/spool/mqueue (1 request)\n"
           "-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------\n"
           "6AT90001004242       28 Sun Nov 29 09:00 <root@localhost.localdomain>\n"
           "                 (Deferred: Name server: example.com.: host name lookup failure)\n"
           "                                         dave@example.com",
           ["the queue id is 6AT90001004242", "root sent it to dave@example.com",
            "delivery was put off because the domain's name could not be looked up", "delivery was given up and it was already returned"],
           "Deferred means put off: the mail stays queued and is retried; it is returned only after Timeout.queuereturn.",
           ["True: the first column is the queue id.", "True: the sender line and the recipient line.",
            "True: host name lookup failure.", "Right (not true): while it is in the queue it has not been returned."]), 3),
        q(("`O DeliveryMode=queueonly`로 바꾸고 다시 시작했을 때 로컬 사용자 alice에게 보낸 메일은?",
           ["받자마자 뒤에서(background) 곧바로 alice의 메일함에 배달된다", "큐에 쌓여 있다가 다음 큐 처리(sendmail -q) 때 배달된다",
            "보낸 사람에게 바로 반송된다", "/var/spool/clientmqueue로 옮겨진다"],
           "queueonly는 큐에만 넣어 두는 방식입니다. 기본값 background는 받은 뒤 바로 배달합니다.",
           ["그것은 background(기본값)나 interactive입니다.", "정답.", "반송은 Timeout.queuereturn이 지난 뒤입니다.",
            "clientmqueue는 MSP가 MTA에 넘기지 못한 메일의 큐입니다."]),
          ("After `O DeliveryMode=queueonly` and a restart, what happens to mail for the local user alice?",
           ["it is delivered in the background straight into alice's mailbox, as before", "it waits in the queue until the next queue run (sendmail -q)",
            "it is returned to the sender at once", "it moves to /var/spool/clientmqueue"],
           "queueonly only queues; the default, background, delivers right after accepting.",
           ["That is background (the default) or interactive.", "Right.", "Returns come after Timeout.queuereturn.",
            "clientmqueue holds mail the MSP could not hand to the MTA."]), 1),
        q(("큐에 있는 메일을 지금 바로 배달해 보고 그 과정을 자세히 출력하는 명령을 쓰세요.", [],
           "sendmail -q는 큐를 한 번 처리하고, -v(verbose)는 과정을 출력합니다. 클라이언트 큐는 sendmail -Ac -q입니다."),
          ("Write the command that runs the queue now and shows in detail what happens.", [],
           "sendmail -q runs the queue once and -v (verbose) prints the steps; the client queue is sendmail -Ac -q."),
         ["sendmail -q -v", "sendmail -v -q"]),
        q(("큐 디렉터리의 파일 이름 앞 글자에 대한 설명으로 옳은 것은?", ["df: 봉투와 헤더(control file)", "qf: 본문(data file)",
                                                              "qf: 봉투와 헤더, df: 본문", "xf: 배달이 끝난 메일"],
           "한 메일은 qf(봉투, 헤더, 상태)와 df(본문) 두 파일로 저장됩니다.",
           ["df는 본문입니다.", "qf는 봉투와 헤더입니다.", "정답.", "xf는 배달 중의 기록(transcript)입니다. 배달이 끝난 메일은 큐에서 지워집니다."]),
          ("Which is right about the first letters of queue file names?", ["df: envelope and headers (control file)", "qf: the body (data file)",
                                                                          "qf: envelope and headers; df: the body", "xf: mail already delivered"],
           "A queued message is two files: qf (envelope, headers, state) and df (the body).",
           ["df is the body.", "qf is envelope and headers.", "Right.", "xf is a transcript during delivery; delivered mail leaves the queue."]), 2),
        q(("sendmail을 `-bd -q15m` 옵션으로 실행했을 때 `-q15m`의 뜻은?", ["15분마다 큐를 처리한다", "15분 동안만 데몬으로 돈다",
                                                                "큐에 15개까지만 쌓는다", "15MB보다 큰 메일을 큐에 넣는다"],
           "-q 뒤의 시간은 큐를 다시 처리하는 간격입니다. -bd는 데몬으로 실행하라는 뜻입니다.",
           ["정답.", "실행 시간을 정하는 옵션이 아닙니다.", "개수 제한이 아닙니다.", "크기와 관계없습니다."]),
          ("sendmail runs with `-bd -q15m`. What does `-q15m` mean?", ["run the queue every 15 minutes", "run as a daemon for 15 minutes only",
                                                                       "queue at most 15 messages", "queue messages larger than 15 MB"],
           "The time after -q is the interval between queue runs; -bd runs sendmail as a daemon.",
           ["Right.", "It sets no running time.", "It is no count limit.", "Nothing to do with size."]), 0),
        q(("sendmail이 멈춘 동안 `mail`로 보낸 메일이 쌓이는 곳은?", ["/var/spool/mqueue", "/var/spool/mail/root", "/var/spool/clientmqueue", "/tmp"],
           "mail은 메일 제출 프로그램(MSP, submit.cf)을 거칩니다. 25번의 MTA에 넘기지 못하면 clientmqueue에 쌓입니다.",
           ["mqueue는 MTA가 받은 메일의 큐입니다. MTA가 꺼져 있으니 받지 못했습니다.", "root의 메일함이 아닙니다.",
            "정답: mailq -Ac로 봅니다.", "sendmail은 /tmp에 큐를 두지 않습니다."]),
          ("While sendmail is stopped, where does mail sent with `mail` wait?", ["/var/spool/mqueue", "/var/spool/mail/root", "/var/spool/clientmqueue", "/tmp"],
           "mail goes through the submission program (MSP, submit.cf); when it cannot hand it to the MTA on 25, it waits in clientmqueue.",
           ["mqueue is the queue of mail the MTA accepted; the MTA is down, so it accepted nothing.", "Not root's mailbox.",
            "Right: see it with mailq -Ac.", "sendmail keeps no queue in /tmp."]), 2),
    ),
    end(),
]
