from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 12. 시험 대비 정리

    ## 파일을 고친 뒤 무엇을 해야 적용될까
    시험에 가장 자주 나오는 부분입니다.

    | 파일 | sendmail이 실제로 읽는 것 | 고친 뒤 |
    | --- | --- | --- |
    | `/etc/mail/sendmail.cf` | 그 파일 | `systemctl restart sendmail` |
    | `/etc/mail/sendmail.mc` | (직접 안 읽음) | `m4 sendmail.mc > sendmail.cf` 후 재시작 (sendmail-cf 패키지 필요) |
    | `/etc/aliases` | `/etc/aliases.db` | `newaliases` 또는 `sendmail -bi` |
    | `/etc/mail/access` | `/etc/mail/access.db` | `makemap hash /etc/mail/access < /etc/mail/access` |
    | `/etc/mail/virtusertable` | `/etc/mail/virtusertable.db` | `makemap hash /etc/mail/virtusertable < /etc/mail/virtusertable` |
    | `/etc/mail/local-host-names` | 그 파일 (`Fw`) | `systemctl restart sendmail` |
    | `~/.forward` | 그 파일 (`O ForwardPath`) | 바로 적용 |

    ## 명령
    | 명령 | 뜻 |
    | --- | --- |
    | `yum -y install sendmail` | 설치 (`telnet`, `sendmail-cf`도 같은 방법) |
    | `systemctl start/enable sendmail.service` | 지금 시작 / 부팅 때 시작 |
    | `systemctl stop postfix.service` | 25번 포트를 쓰는 postfix 멈추기 |
    | `netstat -anp \\| grep LISTEN -w \\| grep :25` | 25번 포트에서 기다리는지 확인 |
    | `telnet localhost 25` | SMTP를 손으로 |
    | `sendmail -bp` = `mailq` | 큐 보기 |
    | `mailq -Ac` = `sendmail -bp -oQ/var/spool/clientmqueue` | 클라이언트 큐(submit.cf) 보기 |
    | `sendmail -bi` = `newaliases` | 별칭 DB 다시 만들기 |

    아래 셀은 이 노트북의 서버에서 위 표의 핵심을 한 번에 확인합니다.
    """, en="""
    # 12. Exam review

    ## What applies a change to each file
    The part the exam asks about most.

    | File | What sendmail really reads | After a change |
    | --- | --- | --- |
    | `/etc/mail/sendmail.cf` | that file | `systemctl restart sendmail` |
    | `/etc/mail/sendmail.mc` | (not read directly) | `m4 sendmail.mc > sendmail.cf`, then restart (needs package sendmail-cf) |
    | `/etc/aliases` | `/etc/aliases.db` | `newaliases` or `sendmail -bi` |
    | `/etc/mail/access` | `/etc/mail/access.db` | `makemap hash /etc/mail/access < /etc/mail/access` |
    | `/etc/mail/virtusertable` | `/etc/mail/virtusertable.db` | `makemap hash /etc/mail/virtusertable < /etc/mail/virtusertable` |
    | `/etc/mail/local-host-names` | that file (`Fw`) | `systemctl restart sendmail` |
    | `~/.forward` | that file (`O ForwardPath`) | applies at once |

    ## Commands
    | Command | Meaning |
    | --- | --- |
    | `yum -y install sendmail` | install (same for `telnet`, `sendmail-cf`) |
    | `systemctl start/enable sendmail.service` | start now / at boot |
    | `systemctl stop postfix.service` | stop postfix holding port 25 |
    | `netstat -anp \\| grep LISTEN -w \\| grep :25` | is something waiting on port 25? |
    | `telnet localhost 25` | SMTP by hand |
    | `sendmail -bp` = `mailq` | show the queue |
    | `mailq -Ac` = `sendmail -bp -oQ/var/spool/clientmqueue` | show the client queue (submit.cf) |
    | `sendmail -bi` = `newaliases` | rebuild the alias database |

    The cell below checks the heart of these tables on this notebook's server in one go.
    """),
    start(),
    code("""
    %%host
    netstat -anp | grep LISTEN -w | grep :25
    ls /etc/aliases.db /etc/mail/access.db /etc/mail/virtusertable.db
    grep -E '^(Cw|Fw|Ft|Dn|FR|Kaccess|Kvirtuser)' /etc/mail/sendmail.cf
    mailq
    mailq -Ac
    """, "seed:S01", "seed:K01", "seed:K02", "seed:F08"),
    md(ko="""
    ## 종합 실습
    한 번에 여러 파일을 고쳐 봅니다. 목표:
    1. `sales@localhost`가 alice와 bob에게 가도록 (aliases)
    2. `127.0.0.2`(client.example.com)에서 오는 메일의 릴레이 허용 (access)
    3. 그다음 client.example.com에서 `sales@localhost`와 바깥 주소 `dave@example.com`에 보내기

    각 파일을 고친 뒤 알맞은 명령을 실행했는지 확인하세요. 한 줄을 빼고 실행하면 어떻게 될까요?
    """, en="""
    ## Putting it together
    Change several files at once. Goals:
    1. `sales@localhost` reaches alice and bob (aliases)
    2. relaying is allowed for mail from `127.0.0.2` (client.example.com) (access)
    3. then, from client.example.com, send to `sales@localhost` and to the outside `dave@example.com`

    Check that each file change is followed by its command. What happens if you leave one line out?
    """),
    code("""
    %%host
    echo "sales: alice, bob" >> /etc/aliases
    newaliases
    echo "Connect:127.0.0.2	RELAY" >> /etc/mail/access
    makemap hash /etc/mail/access < /etc/mail/access
    """, "seed:F03", "seed:F04"),
    code("""
    smtp_send(["sales@localhost", "dave@example.com"], subject="price list", client="127.0.0.2", sender="eve@client.example.com")
    %mailq
    """, "seed:F04", "seed:A01"),
    md(ko="""
    ## 설정을 한눈에: ConfigEditor
    시험에 나오는 sendmail.cf 항목과 맵 파일을 한 화면에서 보고 고칠 수 있습니다. 마음대로 바꿔 보고
    아래 문제를 풀어 보세요.
    """, en="""
    ## All settings at a glance: ConfigEditor
    The exam's sendmail.cf items and map files on one screen. Change things freely, then answer
    the questions below.
    """),
    code("""
    editor = ConfigEditor(lang=LANG)
    editor
    """),
    md(ko="""
    ## sendmail의 옵션 한눈에
    | 옵션 | 하는 일 |
    | --- | --- |
    | `-bd` | 데몬으로 실행(25번 포트에서 기다림). 서비스 파일이 `sendmail -bd -q15m`으로 시작합니다 |
    | `-q15m` | 15분마다 큐를 처리. `-q`만 쓰면 지금 한 번 처리 |
    | `-bp` | 큐 보기(`mailq`와 같음) |
    | `-bi` | 별칭 데이터베이스 다시 만들기(`newaliases`와 같음) |
    | `-bv` | 주소 확인: 배달할 수 있는지, 어느 메일러로 가는지만 보고 보내지는 않음 |
    | `-bt` | 주소 시험 모드: sendmail.cf의 규칙을 한 단계씩 보여 줌 |
    | `-bs` | 표준 입력과 출력으로 SMTP 대화 |
    | `-v` | 자세히(verbose): 배달 과정을 보여 줌 |
    | `-d0.1` | 디버그 0.1: 버전과 이 호스트의 이름($w, $j)을 보여 줌 |

    아래 셀들이 차례로 실행합니다. 두 번째 `-bd`는 이미 떠 있는 데몬이 25번 포트를 잡고 있어서
    새 데몬이 포트를 열지 못하고, 그 사실은 화면이 아니라 maillog에 남습니다.
    """, en="""
    ## sendmail's switches at a glance
    | switch | what it does |
    | --- | --- |
    | `-bd` | run as a daemon (wait on port 25); the service starts `sendmail -bd -q15m` |
    | `-q15m` | run the queue every 15 minutes; `-q` alone runs it once, now |
    | `-bp` | print the queue (same as `mailq`) |
    | `-bi` | rebuild the alias database (same as `newaliases`) |
    | `-bv` | verify addresses: deliverable, and by which mailer, without sending |
    | `-bt` | address test mode: sendmail.cf's rules step by step |
    | `-bs` | an SMTP conversation on standard input and output |
    | `-v` | verbose: show the delivery |
    | `-d0.1` | debug 0.1: the version and this host's names ($w, $j) |

    The cells below run each. The second `-bd` cannot open port 25, which the running daemon
    holds; that goes to maillog, not to the screen.
    """),
    code("%sendmail -d0.1 -bv alice nosuchuser"),
    code("""
    %%host
    printf 'EHLO localhost\\nMAIL FROM:<alice@localhost>\\nRCPT TO:<bob@localhost>\\nQUIT\\n' | sendmail -bs
    """),
    code("""
    %%sendmail -bt
    /parse bob@localhost
    """),
    code("""
    %%host
    sendmail -bd -q15m
    grep opendaemonsocket /var/log/maillog
    """),
    md(ko="""
    ## 모의 문제
    """, en="""
    ## Practice questions
    """),
    quiz(
        q(("/etc/mail/access를 고친 뒤 적용하는 명령으로 알맞은 것은?", ["newaliases", "m4 /etc/mail/access", "sendmail -bi",
                                                              "makemap hash /etc/mail/access < /etc/mail/access"],
           "access는 makemap hash로 access.db를 만들어 적용합니다.",
           ["별칭 DB를 만듭니다.", "m4는 .mc를 .cf로 바꾸는 매크로 처리기입니다.", "newaliases와 같습니다.", "정답."]),
          ("Which command applies a change to /etc/mail/access?", ["newaliases", "m4 /etc/mail/access", "sendmail -bi",
                                                                   "makemap hash /etc/mail/access < /etc/mail/access"],
           "access is applied by building access.db with makemap hash.",
           ["Builds the alias database.", "m4 is the macro processor turning the .mc into the .cf.", "The same as newaliases.", "Right."]), 3),
        q(("다음 중 /etc/aliases 변경을 적용하는 명령을 모두 고르세요.", ["newaliases", "sendmail -bi", "sendmail -bp", "mailq -Ac"],
           "newaliases = sendmail -bi.",
           ["맞는 보기.", "맞는 보기.", "-bp는 큐를 보여 줍니다.", "클라이언트 큐를 보여 줍니다."]),
          ("Which commands apply a change to /etc/aliases? Choose all.", ["newaliases", "sendmail -bi", "sendmail -bp", "mailq -Ac"],
           "newaliases = sendmail -bi.",
           ["Right.", "Right.", "-bp shows the queue.", "Shows the client queue."]), [0, 1]),
        q(("sendmail.cf에서 릴레이를 허용할 도메인을 설정하는 항목은?", ["Cw", "FR-o", "Dj", "Ft"],
           "FR-o /etc/mail/relay-domains.",
           ["받을 호스트 이름입니다.", "정답.", "보내는 도메인 이름입니다.", "신뢰 사용자입니다."]),
          ("Which sendmail.cf item sets the domains allowed to relay?", ["Cw", "FR-o", "Dj", "Ft"],
           "FR-o /etc/mail/relay-domains.",
           ["Names to receive for.", "Right.", "The sending domain name.", "Trusted users."]), 1),
        q(("MaxMessageSize에 대한 설명으로 옳은 것은?", ["단위는 KB이다", "0이면 메일을 받지 않는다",
                                                  "단위는 바이트이고 0이거나 주석이면 제한이 없다", "기본값은 1MB(1048576바이트)이고, 0으로 두면 메일을 받지 않는다"],
           "O MaxMessageSize는 바이트 단위이고 0 또는 주석이면 제한이 없습니다.",
           ["KB가 아니라 바이트입니다.", "0은 제한 없음입니다.", "정답.", "CentOS의 기본 sendmail.cf에서는 주석이라 제한이 없습니다."]),
          ("Which is true of MaxMessageSize?", ["the unit is KB", "0 means no mail is accepted",
                                                "the unit is bytes; 0 or commented out means no limit", "the default is 1 MB (1048576 bytes) and 0 refuses every message"],
           "O MaxMessageSize is in bytes; 0 or commented out means no limit.",
           ["Bytes, not KB.", "0 is no limit.", "Right.", "CentOS's default sendmail.cf has it commented out: no limit."]), 2),
        q(("메일 제출 프로그램(submission program)이 보내는 메일을 위한 큐를 보여 주는 명령은?", ["mailq", "sendmail -bi", "newaliases", "mailq -Ac"],
           "mailq -Ac: /etc/mail/submit.cf의 큐 /var/spool/clientmqueue.",
           ["MTA의 큐 /var/spool/mqueue를 보여 줍니다.", "별칭 DB를 만듭니다.", "별칭 DB를 만듭니다.", "정답."]),
          ("Which command shows the queue of mail sent by the submission program?", ["mailq", "sendmail -bi", "newaliases", "mailq -Ac"],
           "mailq -Ac: submit.cf's queue, /var/spool/clientmqueue.",
           ["Shows the MTA's queue, /var/spool/mqueue.", "Builds the alias database.", "Builds the alias database.", "Right."]), 3),
        q(("MUA를 모두 고르세요.", ["kmail", "evolution", "mutt", "qmail", "procmail"], "kmail, evolution, mutt는 MUA입니다.",
           ["맞는 보기.", "맞는 보기.", "맞는 보기.", "qmail은 MTA입니다.", "procmail은 MDA입니다."]),
          ("Choose every MUA.", ["kmail", "evolution", "mutt", "qmail", "procmail"], "kmail, evolution and mutt are MUAs.",
           ["Right.", "Right.", "Right.", "qmail is an MTA.", "procmail is an MDA."]), [0, 1, 2]),
        q(("sendmail을 localhost에서만 쓰게 하는 설정은?", ["Cwlocalhost", "O DaemonPortOptions=Port=smtp,Addr=0.0.0.0, Name=MTA",
                                                      "O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA", "Djlocalhost"],
           "Addr=127.0.0.1 이면 이 호스트에서만 접속할 수 있습니다.",
           ["Cw는 받을 호스트 이름일 뿐 접속을 막지 않습니다.", "0.0.0.0은 모든 주소입니다.", "정답.", "Dj는 보내는 도메인 이름입니다."]),
          ("Which setting limits sendmail to localhost?", ["Cwlocalhost", "O DaemonPortOptions=Port=smtp,Addr=0.0.0.0, Name=MTA",
                                                          "O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA", "Djlocalhost"],
           "Addr=127.0.0.1 accepts connections from this host only.",
           ["Cw names hosts to receive for; it limits no connections.", "0.0.0.0 is every address.", "Right.", "Dj is the sending domain name."]), 2),
        q(("sendmail이 실행 중인지 25번 포트로 확인하는 명령은?", ["mailq -Ac", "netstat -anp | grep LISTEN -w | grep :25",
                                                        "systemctl enable sendmail", "telnet localhost 110"],
           "LISTEN 상태의 25번 포트와 그 프로그램(-p)을 봅니다.",
           ["큐를 보여 줍니다.", "정답.", "부팅 때 시작을 켤 뿐 확인하지 않습니다.", "110번은 POP3입니다."]),
          ("Which command checks that something listens on port 25?", ["mailq -Ac", "netstat -anp | grep LISTEN -w | grep :25",
                                                                      "systemctl enable sendmail", "telnet localhost 110"],
           "It shows port 25 in LISTEN state and its program (-p).",
           ["Shows the queue.", "Right.", "Enables start at boot; checks nothing.", "110 is POP3."]), 1),
    ),
    md(ko="""
    ## 모의시험: 25문제
    리눅스마스터 1급 메일 단원의 모든 주제에서 고른 25문제입니다. 시험처럼 먼저 모두 풀고 맨 아래의
    **채점하기**를 누르세요. 점수(100점 만점), 문제마다 정답과 보기 풀이, 그리고 주제별로 맞힌 수와 다시 볼
    문제 번호가 나옵니다. 틀린 주제는 그 장으로 돌아가 다시 실행해 보세요. 명령을 쓰는 문제는 띄어쓰기를
    조금 달리 써도 정답으로 봅니다.
    """, en="""
    ## Mock exam: 25 questions
    25 questions from every topic of the Linux Master level-1 mail chapter. As in the exam, answer them
    all first, then press **Grade** at the bottom: you get a score out of 100, each question's answer with
    why every option is right or wrong, and, topic by topic, how many you got right and which questions
    to read again. Go back to the chapter of a weak topic and run it again. Typed commands are accepted
    with small differences in spacing.
    """),
    quiz(
        q(("메일 서버와 메일 서버 사이에서 메일을 전송할 때 쓰는 프로토콜과 포트는?", ["POP3, TCP 110", "IMAP, TCP 143", "SMTP, TCP 25", "SMTP, TCP 110"],
           "SMTP(TCP 25)는 서버 사이, 그리고 클라이언트에서 서버로 메일을 보낼 때 씁니다.",
           ["POP3는 메일을 가져오는 프로토콜입니다.", "IMAP도 가져오는(읽는) 프로토콜입니다.", "정답.", "SMTP는 맞지만 110은 POP3의 포트입니다."]),
          ("Which protocol and port carry mail from one mail server to another?", ["POP3, TCP 110", "IMAP, TCP 143", "SMTP, TCP 25", "SMTP, TCP 110"],
           "SMTP (TCP 25) sends mail server to server and client to server.",
           ["POP3 fetches mail.", "IMAP fetches (reads) mail too.", "Right.", "SMTP is right but 110 is POP3's port."]), 2,
          topic=("프로토콜과 포트", "Protocols and ports")),
        q(("서비스와 포트의 짝으로 옳지 않은 것은?", ["SMTP: 25", "POP3: 110", "IMAP: 143", "IMAPS: 995"],
           "IMAPS는 993, POP3S가 995입니다.",
           ["옳은 짝.", "옳은 짝.", "옳은 짝.", "정답(옳지 않음): IMAPS는 993번입니다."]),
          ("Which service-port pair is NOT right?", ["SMTP: 25", "POP3: 110", "IMAP: 143", "IMAPS: 995"],
           "IMAPS is 993; POP3S is 995.",
           ["A right pair.", "A right pair.", "A right pair.", "Right answer (not right): IMAPS is 993."]), 3,
          topic=("프로토콜과 포트", "Protocols and ports")),
        q(("POP3와 IMAP 서버 dovecot의 주 설정 파일 경로를 쓰세요.", [],
           "/etc/dovecot/dovecot.conf. 세부 설정은 /etc/dovecot/conf.d/ 아래 파일(10-mail.conf, 10-auth.conf 등)에 나뉘어 있습니다."),
          ("Write the path of the main configuration file of dovecot, the POP3 and IMAP server.", [],
           "/etc/dovecot/dovecot.conf; details are split into files under /etc/dovecot/conf.d/ (10-mail.conf, 10-auth.conf, ...)."),
         ["/etc/dovecot/dovecot.conf"], topic=("프로토콜과 포트", "Protocols and ports")),
        q(("다음 중 역할이 다른 하나는?", ["sendmail", "postfix", "qmail", "procmail"],
           "sendmail, postfix, qmail은 MTA이고 procmail은 MDA입니다.",
           ["MTA입니다.", "MTA입니다.", "MTA입니다.", "정답: procmail만 MDA입니다."]),
          ("Which one has a different role from the others?", ["sendmail", "postfix", "qmail", "procmail"],
           "sendmail, postfix and qmail are MTAs; procmail is an MDA.",
           ["An MTA.", "An MTA.", "An MTA.", "Right: only procmail is an MDA."]), 3,
          topic=("MTA·MDA·MUA", "MTA, MDA, MUA")),
        q(("빈칸에 알맞은 것은?\n( ㉠ )는 사용자가 메일을 쓰고 읽을 때 쓰는 프로그램으로 kmail, evolution, mutt 등이 있다.",
           ["MTA", "MDA", "MUA", "DNS"],
           "Mail User Agent, 사용자가 직접 쓰는 메일 프로그램입니다.",
           ["MTA는 메일을 전송합니다(sendmail 등).", "MDA는 메일함에 배달합니다(procmail).", "정답.", "DNS는 이름을 주소로 바꾸는 서비스입니다."]),
          ("Fill the blank:\n( A ) is what users write and read mail with; kmail, evolution and mutt are examples.",
           ["MTA", "MDA", "MUA", "DNS"],
           "The Mail User Agent, the mail program a user works with.",
           ["An MTA transfers mail (sendmail and others).", "An MDA delivers into mailboxes (procmail).", "Right.", "DNS turns names into addresses."]), 2,
          topic=("MTA·MDA·MUA", "MTA, MDA, MUA")),
        q(("procmail에 대한 설명으로 옳은 것은?", ["SMTP로 다른 메일 서버에 메일을 전송한다", "MDA로서 메일을 배달하며 스팸 필터링과 메일 정렬도 한다",
                                               "메일함의 메일을 POP3와 IMAP으로 사용자에게 내어 주는 서버이다", "KDE 기반의 MUA이다"],
           "procmail은 대표적인 MDA입니다.",
           ["MTA의 설명입니다.", "정답.", "dovecot의 설명입니다.", "kmail의 설명입니다."]),
          ("Which is true of procmail?", ["it sends mail to other mail servers with SMTP", "as an MDA it delivers mail, and also filters spam and sorts mail",
                                          "it is the server handing mailbox contents to users over POP3 and IMAP", "it is a KDE-based MUA"],
           "procmail is the well-known MDA.",
           ["That describes an MTA.", "Right.", "That describes dovecot.", "That describes kmail."]), 1,
          topic=("MTA·MDA·MUA", "MTA, MDA, MUA")),
        q(("확인 질문 없이 sendmail 패키지를 설치하는 명령을 쓰세요.", [],
           "yum -y install sendmail. -y가 설치 확인에 미리 yes라고 답합니다."),
          ("Write the command that installs the sendmail package without asking for confirmation.", [],
           "yum -y install sendmail; -y answers yes to the confirmation in advance."),
         ["yum -y install sendmail", "yum install -y sendmail"], topic=("설치와 서비스", "Installing and running")),
        q(("sendmail이 25번 포트에서 접속을 기다리는지 확인하는 명령은?", ["netstat -anp | grep LISTEN -w | grep :25", "systemctl enable sendmail.service",
                                                                 "mailq", "rpm -q sendmail"],
           "LISTEN 상태의 25번 포트와 그 프로세스를 보여 줍니다.",
           ["정답.", "부팅 때 시작하도록 등록할 뿐입니다.", "큐를 보여 줍니다.", "설치 여부만 보여 줍니다."]),
          ("Which command checks that sendmail waits for connections on port 25?", ["netstat -anp | grep LISTEN -w | grep :25", "systemctl enable sendmail.service",
                                                                                    "mailq", "rpm -q sendmail"],
           "It shows port 25 in LISTEN state and its process.",
           ["Right.", "Only registers the start at boot.", "Shows the queue.", "Only shows whether it is installed."]), 0,
          topic=("설치와 서비스", "Installing and running")),
        q(("sendmail 서비스 관리에 대한 설명으로 옳지 않은 것은?",
           ["systemctl start sendmail.service는 지금 시작한다", "systemctl enable sendmail.service는 sendmail을 지금 바로 시작한다",
            "postfix가 25번 포트를 쓰면 systemctl stop postfix.service로 멈춘다", "systemctl status sendmail.service로 상태를 본다"],
           "enable은 부팅 때 자동으로 시작하도록 등록할 뿐, 지금 시작하지는 않습니다.",
           ["옳은 설명.", "정답(옳지 않음): 지금 시작하는 것은 start입니다.", "옳은 설명.", "옳은 설명."]),
          ("Which statement about managing the sendmail service is NOT true?",
           ["systemctl start sendmail.service starts it now", "systemctl enable sendmail.service starts sendmail right now",
            "if postfix holds port 25, stop it with systemctl stop postfix.service", "systemctl status sendmail.service shows its state"],
           "enable only registers the start at boot; it does not start it now.",
           ["True.", "Right (not true): start is what starts it now.", "True.", "True."]), 1,
          topic=("설치와 서비스", "Installing and running")),
        q(("sendmail.cf에 다음 줄이 있습니다. 옳은 것은?\nO DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA",
           ["다른 컴퓨터에서도 25번 포트로 메일을 보낼 수 있다", "이 컴퓨터 안에서만 25번 포트로 접속할 수 있다",
            "메일 큐를 127.0.0.1에 둔다", "127.0.0.1에서 오는 메일을 모두 거절한다"],
           "Addr=127.0.0.1은 루프백 주소에서만 기다린다는 뜻입니다. 외부에서 받으려면 0.0.0.0으로 바꿉니다.",
           ["그렇게 하려면 Addr=0.0.0.0이어야 합니다.", "정답.", "큐 위치는 O QueueDirectory입니다.", "거절하지 않습니다. 그 주소에서만 받습니다."]),
          ("sendmail.cf has this line. Which is true?\nO DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA",
           ["other machines can send mail to port 25 too", "only this machine can connect to port 25",
            "the queue is kept at 127.0.0.1", "all mail from 127.0.0.1 is refused"],
           "Addr=127.0.0.1 listens on the loopback address only; to receive from outside, change it to 0.0.0.0.",
           ["That needs Addr=0.0.0.0.", "Right.", "The queue is O QueueDirectory.", "Nothing is refused; it listens there only."]), 1,
          topic=("sendmail.cf", "sendmail.cf")),
        q(("빈칸에 알맞은 것은?\nsendmail.cf에서 메일을 받을 도메인 이름을 여러 개 쓸 때, 그 목록 파일을 지정하는 줄의 기본값은 ( ㉠ )/etc/mail/local-host-names 이다.",
           ["Cw", "Ft", "FR-o", "Fw"],
           "Fw는 클래스 w(받을 이름)를 파일에서 읽습니다.",
           ["Cw는 이름을 줄 안에 직접 적습니다(기본값 Cwlocalhost).", "Ft는 신뢰 사용자 파일입니다.", "FR-o는 릴레이 허용 도메인 파일입니다.", "정답."]),
          ("Fill the blank:\nwhen sendmail.cf receives for several domain names, the default line naming their list file is ( A )/etc/mail/local-host-names.",
           ["Cw", "Ft", "FR-o", "Fw"],
           "Fw reads class w (names to receive for) from a file.",
           ["Cw writes names on the line itself (default Cwlocalhost).", "Ft is the trusted-users file.", "FR-o is the relay-domains file.", "Right."]), 3,
          topic=("sendmail.cf", "sendmail.cf")),
        q(("sendmail.cf에 `O PrivacyOptions=authwarnings,novrfy,noexpn,restrictqrun`이 있을 때 옳은 것은?",
           ["메일 본문을 암호화해서 보낸다", "root만 메일을 보낼 수 있다",
            "SMTP의 VRFY와 EXPN 명령으로 계정이나 별칭의 내용을 알아낼 수 없다", "신뢰 사용자가 보낸 메일을 포함해 모든 메일에 X-Authentication-Warning 헤더가 붙는다"],
           "novrfy는 VRFY를, noexpn은 EXPN을 막아 계정 정보가 새지 않게 합니다. restrictqrun은 일반 사용자의 큐 처리를 막습니다.",
           ["암호화와 관계없습니다.", "보내기를 제한하지 않습니다.", "정답.",
            "authwarnings는 필요한 경우(예: 신뢰하지 않는 사용자의 -f)에만 경고 헤더를 붙입니다."]),
          ("sendmail.cf has `O PrivacyOptions=authwarnings,novrfy,noexpn,restrictqrun`. Which is true?",
           ["message bodies are sent encrypted", "only root may send mail",
            "SMTP's VRFY and EXPN commands cannot reveal accounts or what an alias expands to", "every message, even those sent by trusted users such as root, gets an X-Authentication-Warning header"],
           "novrfy blocks VRFY and noexpn blocks EXPN, so account information does not leak; restrictqrun stops ordinary users running the queue.",
           ["Nothing to do with encryption.", "Sending is not restricted.", "Right.",
            "authwarnings adds the warning header only when called for (e.g. -f by an untrusted user)."]), 2,
          topic=("sendmail.cf", "sendmail.cf")),
        q(("sendmail.cf에서 메일 크기 제한을 없애는 O 줄을 값과 함께 쓰세요.", [],
           "O MaxMessageSize=0. 줄을 주석(#)으로 막아도 제한이 없습니다."),
          ("Write the O line of sendmail.cf, with its value, that removes the message size limit.", [],
           "O MaxMessageSize=0; commenting the line out (#) also means no limit."),
         ["O MaxMessageSize=0"], topic=("sendmail.cf", "sendmail.cf")),
        q(("외부의 모든 주소에서 SMTP 접속을 받도록 sendmail.mc를 고친 줄은?",
           ["DAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA')dnl", "dnl DAEMON_OPTIONS(`Port=smtp,Addr=0.0.0.0, Name=MTA')dnl",
            "define(`confDAEMON_ADDR', `0.0.0.0')dnl", "DAEMON_OPTIONS(`Port=smtp,Addr=0.0.0.0, Name=MTA')dnl"],
           "DAEMON_OPTIONS의 Addr를 0.0.0.0으로 바꾸고 m4로 sendmail.cf를 만든 뒤 다시 시작합니다.",
           ["CentOS 기본값으로 이 컴퓨터에서만 받습니다.", "앞의 dnl 때문에 줄 전체가 지워집니다.",
            "그런 매크로는 없습니다.", "정답."]),
          ("Which sendmail.mc line opens SMTP to every address?",
           ["DAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA')dnl", "dnl DAEMON_OPTIONS(`Port=smtp,Addr=0.0.0.0, Name=MTA')dnl",
            "define(`confDAEMON_ADDR', `0.0.0.0')dnl", "DAEMON_OPTIONS(`Port=smtp,Addr=0.0.0.0, Name=MTA')dnl"],
           "Change DAEMON_OPTIONS' Addr to 0.0.0.0, build sendmail.cf with m4, restart.",
           ["The CentOS default: this machine only.", "The leading dnl deletes the whole line.",
            "No such macro.", "Right."]), 3,
          topic=("sendmail.mc와 m4", "sendmail.mc and m4")),
        q(("sendmail-cf 패키지에 대한 설명으로 옳은 것은?", ["sendmail.cf를 직접 고치는 편집기다", "sendmail의 주 설정 파일 sendmail.cf와 submit.cf를 담은 기본 패키지다",
                                                        "m4 명령 자체를 설치한다", "m4가 sendmail.mc를 처리할 때 쓰는 매크로 파일을 담고 있다"],
           "/usr/share/sendmail-cf/ 아래 cf.m4 등 매크로가 들어 있습니다.",
           ["편집기가 아닙니다.", "sendmail.cf는 sendmail 패키지에 들어 있습니다.", "m4는 m4 패키지입니다.", "정답."]),
          ("Which is true of the sendmail-cf package?", ["it is an editor for sendmail.cf", "it is the base package holding sendmail.cf and submit.cf, the main configuration files",
                                                         "it installs the m4 command itself", "it holds the macro files m4 uses to process sendmail.mc"],
           "It holds cf.m4 and the other macros under /usr/share/sendmail-cf/.",
           ["It is no editor.", "sendmail.cf comes with the sendmail package.", "m4 is the m4 package.", "Right."]), 3,
          topic=("sendmail.mc와 m4", "sendmail.mc and m4")),
        q(("빈칸에 알맞은 것은?\nsendmail.mc의 FEATURE(`( ㉠ )', `hash -T<TMPF> -o /etc/mail/access.db')dnl 은 sendmail.cf의 Kaccess 줄이 된다.",
           ["access_db", "virtusertable", "mailertable", "use_cw_file"],
           "access_db 기능이 access 맵(Kaccess)을 켭니다.",
           ["정답.", "Kvirtuser를 만듭니다.", "Kmailertable을 만듭니다.", "Fw/etc/mail/local-host-names를 만듭니다."]),
          ("Fill the blank:\nsendmail.mc's FEATURE(`( A )', `hash -T<TMPF> -o /etc/mail/access.db')dnl becomes sendmail.cf's Kaccess line.",
           ["access_db", "virtusertable", "mailertable", "use_cw_file"],
           "The access_db feature switches on the access map (Kaccess).",
           ["Right.", "Makes Kvirtuser.", "Makes Kmailertable.", "Makes Fw/etc/mail/local-host-names."]), 0,
          topic=("sendmail.mc와 m4", "sendmail.mc and m4")),
        q(("newaliases와 같은 일을 하는 sendmail 명령(옵션 포함)을 쓰세요.", [],
           "sendmail -bi. /etc/aliases로 /etc/aliases.db를 다시 만듭니다."),
          ("Write the sendmail command (with its option) that does what newaliases does.", [],
           "sendmail -bi rebuilds /etc/aliases.db from /etc/aliases."),
         ["sendmail -bi"], topic=("별칭과 포워딩", "Aliases and forwarding")),
        q(("다음 설정(newaliases 완료)에서 sales@localhost로 온 메일을 받는 사람을 모두 고르세요.\n/etc/aliases:\nsales: alice, bob\n/home/bob/.forward:\ncarol@localhost",
           ["alice", "bob", "carol", "sales"],
           "sales는 alice와 bob으로 풀리고, bob의 메일은 .forward를 따라 carol에게 갑니다. .forward에 \\bob이 없으니 bob의 메일함에는 남지 않습니다.",
           ["맞는 보기.", "bob의 몫은 .forward를 따라 carol에게 넘어갑니다.", "맞는 보기: bob의 .forward로 받습니다.",
            "sales는 별칭일 뿐 계정이 아닙니다."]),
          ("With this configuration (newaliases done), who receives mail for sales@localhost? Choose all.\n/etc/aliases:\nsales: alice, bob\n/home/bob/.forward:\ncarol@localhost",
           ["alice", "bob", "carol", "sales"],
           "sales expands to alice and bob, and bob's copy follows his .forward to carol; without \\bob in it nothing stays in bob's mailbox.",
           ["Right.", "bob's copy is passed on to carol by .forward.", "Right: through bob's .forward.",
            "sales is an alias, not an account."]), [0, 2], topic=("별칭과 포워딩", "Aliases and forwarding")),
        q(("`O ForwardPath=$z/.forward.$w:$z/.forward`에서 `$z`가 뜻하는 것은?", ["메일 서버의 호스트 이름", "메일 큐 디렉터리",
                                                                        "받는 사용자의 홈 디렉터리", "/etc/mail 디렉터리"],
           "$z는 사용자의 홈 디렉터리, $w는 이 호스트의 이름입니다. 그래서 ~/.forward.호스트이름, ~/.forward 순서로 찾습니다.",
           ["호스트 이름은 $w입니다.", "큐는 O QueueDirectory입니다.", "정답.", ".forward는 사용자의 홈에 둡니다."]),
          ("In `O ForwardPath=$z/.forward.$w:$z/.forward`, what is `$z`?", ["the mail server's host name", "the queue directory",
                                                                           "the recipient's home directory", "the /etc/mail directory"],
           "$z is the user's home directory and $w this host's name: ~/.forward.HOSTNAME is tried, then ~/.forward.",
           ["The host name is $w.", "The queue is O QueueDirectory.", "Right.", ".forward files live in the user's home."]), 2,
          topic=("별칭과 포워딩", "Aliases and forwarding")),
        q(("파일과 그 변경을 적용하는 방법의 짝으로 옳지 않은 것은?", ["/etc/mail/access: makemap hash", "/etc/mail/local-host-names: makemap hash",
                                                              "/etc/aliases: newaliases", "/etc/mail/virtusertable: makemap hash"],
           "local-host-names는 .db 맵이 아니라 sendmail이 시작할 때 읽는 텍스트입니다. systemctl restart sendmail로 적용합니다.",
           ["옳은 짝.", "정답(옳지 않음): 재시작으로 적용합니다.", "옳은 짝.", "옳은 짝."]),
          ("Which pairing of a file and how its change is applied is NOT right?", ["/etc/mail/access: makemap hash", "/etc/mail/local-host-names: makemap hash",
                                                                                  "/etc/aliases: newaliases", "/etc/mail/virtusertable: makemap hash"],
           "local-host-names is no .db map but text read when sendmail starts: systemctl restart sendmail applies it.",
           ["A right pair.", "Right answer (not right): a restart applies it.", "A right pair.", "A right pair."]), 1,
          topic=("맵과 릴레이", "Maps and relaying")),
        q(("특정 도메인으로 가는 메일을 어느 메일러와 서버로 보낼지 정하는 파일은?", ["/etc/mail/access", "/etc/mail/virtusertable",
                                                                       "/etc/mail/mailertable", "/etc/mail/genericstable"],
           "mailertable은 `example.com smtp:[mail.example.com]`처럼 도메인별 전달 경로를 정합니다(FEATURE(`mailertable')).",
           ["접근 제어(허용, 거절, 릴레이)입니다.", "받는 가상 주소를 계정으로 바꿉니다.", "정답.",
            "나가는 메일의 보내는 사람 주소를 바꿉니다."]),
          ("Which file decides the mailer and server used for mail to a given domain?", ["/etc/mail/access", "/etc/mail/virtusertable",
                                                                                        "/etc/mail/mailertable", "/etc/mail/genericstable"],
           "mailertable routes per domain, e.g. `example.com smtp:[mail.example.com]` (FEATURE(`mailertable')).",
           ["Access control (allow, refuse, relay).", "Maps incoming virtual addresses to accounts.", "Right.",
            "Rewrites the sender address of outgoing mail."]), 2,
          topic=("맵과 릴레이", "Maps and relaying")),
        q(("access 파일에 `Connect:192.168.10 RELAY`를 넣고 makemap을 했습니다. 옳은 것은?",
           ["192.168.10.x 호스트는 이 서버를 거쳐 바깥 도메인으로 메일을 보낼 수 있다", "192.168.10.x 호스트에서 오는 메일은 모두 거절된다",
            "192.168.10.x로 가는 메일은 버려진다", "makemap만으로는 적용되지 않고 systemctl restart sendmail로 다시 시작해야 적용된다"],
           "IP 앞부분은 그 네트워크 전체를 뜻하고, RELAY는 릴레이를 허용합니다. access.db는 재시작 없이 적용됩니다.",
           ["정답.", "거절은 REJECT입니다.", "버리는 것은 DISCARD이고 Connect:는 보내는 호스트에 적용됩니다.", "makemap만으로 적용됩니다."]),
          ("You put `Connect:192.168.10 RELAY` in the access file and ran makemap. Which is true?",
           ["hosts 192.168.10.x may send mail through this server to outside domains", "all mail from hosts 192.168.10.x is refused",
            "mail to 192.168.10.x is dropped", "makemap alone is not enough: it applies only after systemctl restart sendmail"],
           "A partial IP covers its whole network and RELAY allows relaying; access.db applies without a restart.",
           ["Right.", "Refusing is REJECT.", "Dropping is DISCARD, and Connect: is about the sending host.", "makemap alone applies it."]), 0,
          topic=("맵과 릴레이", "Maps and relaying")),
        q(("sendmail 옵션과 뜻의 짝으로 옳지 않은 것은?", ["-bd: 데몬으로 실행(25번 포트에서 기다림)", "-bs: 메일 큐의 내용을 보여 준다",
                                                    "-bv: 배달하지 않고 받는 주소만 확인한다", "-bt: 주소 변환 규칙을 시험하는 모드"],
           "-bs는 표준입력과 표준출력으로 SMTP 대화를 합니다. 큐를 보여 주는 것은 -bp입니다.",
           ["옳은 짝.", "정답(옳지 않음): 큐는 -bp(= mailq)입니다.", "옳은 짝: 예) sendmail -bv alice.", "옳은 짝: address test mode."]),
          ("Which pairing of a sendmail switch and its meaning is NOT right?", ["-bd: run as a daemon (waiting on port 25)", "-bs: show the mail queue",
                                                                              "-bv: verify recipient addresses without delivering", "-bt: the mode that tests address rewriting"],
           "-bs speaks SMTP on standard input and output; the queue is shown by -bp.",
           ["A right pair.", "Right answer (not right): the queue is -bp (= mailq).", "A right pair: e.g. sendmail -bv alice.", "A right pair: address test mode."]), 1,
          topic=("큐와 sendmail 명령", "The queue and sendmail's switches")),
        q(("/var/spool/clientmqueue의 상태를 보는 mailq 명령을 쓰세요.", [],
           "mailq -Ac(= sendmail -bp -Ac). submit.cf의 큐를 보여 줍니다. `sendmail -bp -oQ/var/spool/clientmqueue`도 같은 큐를 봅니다."),
          ("Write the mailq command that shows the state of /var/spool/clientmqueue.", [],
           "mailq -Ac (= sendmail -bp -Ac) shows submit.cf's queue; `sendmail -bp -oQ/var/spool/clientmqueue` shows the same queue."),
         ["mailq -Ac"], topic=("큐와 sendmail 명령", "The queue and sendmail's switches")),
        q(("`sendmail -d0.1 -bv root`를 실행하는 까닭으로 알맞은 것은?", ["0.1초마다 큐를 처리하려고", "root에게 디버그용 시험 메일을 보내 배달 과정을 하나하나 보려고",
                                                                 "메일 크기를 0.1MB로 제한하려고", "디버그 출력으로 sendmail의 버전과 컴파일 옵션을 보려고"],
           "-d0.1은 디버그 분류 0, 수준 1로 버전, 컴파일 옵션, 호스트 이름을 출력합니다. -bv는 실제로 보내지 않고 주소만 확인합니다.",
           ["큐 처리 간격은 -q15m처럼 -q 뒤에 씁니다.", "-bv는 주소만 확인하고 보내지 않습니다.",
            "크기 제한은 O MaxMessageSize입니다.", "정답."]),
          ("Why run `sendmail -d0.1 -bv root`?", ["to run the queue every 0.1 seconds", "to send root a test message and watch each step of its delivery in detail",
                                                  "to limit messages to 0.1 MB", "to see sendmail's version and compile options in debug output"],
           "-d0.1 (debug category 0, level 1) prints the version, compile options and host names; -bv only verifies the address, sending nothing.",
           ["A queue interval goes after -q, as in -q15m.", "-bv verifies only; nothing is sent.",
            "Size is O MaxMessageSize.", "Right."]), 3,
          topic=("큐와 sendmail 명령", "The queue and sendmail's switches")),
    ),
    end(),
]
