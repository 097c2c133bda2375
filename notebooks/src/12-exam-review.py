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
    ## 모의 문제
    """, en="""
    ## Practice questions
    """),
    quiz(
        q(("/etc/mail/access를 고친 뒤 적용하는 명령으로 알맞은 것은?", ["makemap hash /etc/mail/access < /etc/mail/access", "newaliases",
                                                              "m4 /etc/mail/access", "sendmail -bi"], ""),
          ("Which command applies a change to /etc/mail/access?", ["makemap hash /etc/mail/access < /etc/mail/access", "newaliases",
                                                                   "m4 /etc/mail/access", "sendmail -bi"], ""), 0),
        q(("다음 중 /etc/aliases 변경을 적용하는 명령을 모두 고르세요.", ["newaliases", "sendmail -bi", "sendmail -bp", "mailq -Ac"], ""),
          ("Which commands apply a change to /etc/aliases? Choose all.", ["newaliases", "sendmail -bi", "sendmail -bp", "mailq -Ac"], ""), [0, 1]),
        q(("sendmail.cf에서 릴레이를 허용할 도메인을 설정하는 항목은?", ["FR-o", "Cw", "Dj", "Ft"], ""),
          ("Which sendmail.cf item sets the domains allowed to relay?", ["FR-o", "Cw", "Dj", "Ft"], ""), 0),
        q(("MaxMessageSize에 대한 설명으로 옳은 것은?", ["단위는 KB이다", "0이면 메일을 받지 않는다", "단위는 바이트이고 0이거나 주석이면 제한이 없다", "기본값은 1MB이다"], ""),
          ("Which is true of MaxMessageSize?", ["the unit is KB", "0 means no mail is accepted", "the unit is bytes; 0 or commented out means no limit", "the default is 1 MB"], ""), 2),
        q(("submission program이 보내는 메일을 위한 큐를 보여 주는 명령은?", ["mailq -Ac", "mailq", "sendmail -bi", "newaliases"],
           "mailq -Ac: /etc/mail/submit.cf의 큐 /var/spool/clientmqueue"),
          ("Which command shows the queue of mail sent by the submission program?", ["mailq -Ac", "mailq", "sendmail -bi", "newaliases"],
           "mailq -Ac: submit.cf's queue, /var/spool/clientmqueue"), 0),
        q(("MUA를 모두 고르세요.", ["kmail", "evolution", "mutt", "qmail", "procmail"], "qmail은 MTA, procmail은 MDA입니다."),
          ("Choose every MUA.", ["kmail", "evolution", "mutt", "qmail", "procmail"], "qmail is an MTA, procmail an MDA."), [0, 1, 2]),
        q(("sendmail을 localhost에서만 쓰게 하는 설정은?", ["O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA",
                                                      "O DaemonPortOptions=Port=smtp,Addr=0.0.0.0, Name=MTA", "Cwlocalhost", "Djlocalhost"],
           "Addr=127.0.0.1 이면 이 호스트에서만 접속할 수 있습니다."),
          ("Which setting limits sendmail to localhost?", ["O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA",
                                                          "O DaemonPortOptions=Port=smtp,Addr=0.0.0.0, Name=MTA", "Cwlocalhost", "Djlocalhost"],
           "Addr=127.0.0.1 accepts connections from this host only."), 0),
        q(("sendmail이 실행 중인지 25번 포트로 확인하는 명령은?", ["netstat -anp | grep LISTEN -w | grep :25", "mailq -Ac", "systemctl enable sendmail", "telnet localhost 110"], ""),
          ("Which command checks that something listens on port 25?", ["netstat -anp | grep LISTEN -w | grep :25", "mailq -Ac", "systemctl enable sendmail", "telnet localhost 110"], ""), 0),
    ),
    end(),
]
