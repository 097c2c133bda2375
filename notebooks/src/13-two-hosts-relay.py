from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 13. 두 호스트 사이의 메일: MX와 릴레이

    SMTP는 클라이언트가 서버에 메일을 넘길 때만이 아니라 **서버가 다른 서버에 메일을 넘길 때**도 쓰입니다.
    `bob@jeju.example`에게 가는 메일을 받은 MTA는 DNS에서 `jeju.example`의 **MX 레코드**를 찾아
    그 호스트의 25번 포트로 연결하고, 받은 쪽 MTA가 bob의 메일함에 배달합니다.

    이 장에서는 커널 안에 작은 인터넷을 만듭니다. 호스트마다 자기 sendmail.cf, 사용자, 큐, 메일함, 로그가 있습니다.

    | 호스트 | 주소 | 하는 일 |
    | --- | --- | --- |
    | `mail.korea.example` (= `ns.korea.example`) | 127.0.0.4 | korea.example의 메일 서버, 네트워크의 DNS 서버 |
    | `mail.jeju.example` | 127.0.0.5 | jeju.example의 메일 서버 (MX 10) |
    | `mx2.jeju.example` | 127.0.0.6 | jeju.example의 보조 메일 서버 (MX 20) |

    `%host 호스트이름`으로 명령을 실행할 호스트를 고릅니다(`%%host 호스트이름` 셀은 그 셀만 그 호스트에서 실행).
    출력의 첫 줄 `[mail.jeju.example]`이 명령이 실행된 호스트입니다.
    """, en="""
    # 13. Mail between two hosts: MX and relaying

    SMTP carries mail not only from a client to a server but **from one server to another**. An MTA
    that accepts mail for `bob@jeju.example` looks up the **MX records** of `jeju.example` in DNS,
    connects to port 25 of that host, and the MTA there delivers it to bob's mailbox.

    This chapter builds a small internet inside the kernel. Each host has its own sendmail.cf,
    users, queue, mailboxes and log.

    | Host | Address | Role |
    | --- | --- | --- |
    | `mail.korea.example` (= `ns.korea.example`) | 127.0.0.4 | korea.example's mail server, the network's DNS server |
    | `mail.jeju.example` | 127.0.0.5 | jeju.example's mail server (MX 10) |
    | `mx2.jeju.example` | 127.0.0.6 | jeju.example's backup mail server (MX 20) |

    `%host HOSTNAME` chooses the host commands run on (a `%%host HOSTNAME` cell runs only that cell
    there). The first line of an output, `[mail.jeju.example]`, is the host the command ran on.
    """),
    start(),
    md(ko="""
    ## 네트워크 만들기
    지금까지 쓰던 호스트가 `mail.korea.example`이 되고, 제주의 두 호스트가 옆에 생깁니다.
    그림의 화살표는 MX 레코드입니다. 숫자(preference)가 **작을수록 먼저** 시도합니다.
    """, en="""
    ## Making the network
    The host used so far becomes `mail.korea.example`, and Jeju's two hosts appear beside it.
    The arrows in the picture are MX records: the **lower** number (preference) is tried **first**.
    """),
    code("%mailkit network", "seed:P01"),
    md(ko="""
    ## DNS의 MX 레코드
    `host -t mx`, `nslookup -type=mx`, `dig MX` 세 명령 모두 같은 질문을 합니다. 어느 호스트에서 물어도
    `/etc/resolv.conf`가 가리키는 `ns.korea.example`(127.0.0.4)이 답합니다.
    """, en="""
    ## MX records in DNS
    `host -t mx`, `nslookup -type=mx` and `dig MX` ask the same question. Whichever host asks,
    `ns.korea.example` (127.0.0.4), named in `/etc/resolv.conf`, answers.
    """),
    code("""
    %%host
    host -t mx jeju.example
    nslookup -type=mx jeju.example
    dig +short MX jeju.example
    """),
    code("%cat /var/named/jeju.example.zone"),
    md(ko="""
    각 호스트는 자기 이름(`/etc/hostname`), 이름 서버(`/etc/resolv.conf`), 그리고 자기가 최종 목적지인
    도메인 목록(`/etc/mail/local-host-names`)을 따로 가집니다.
    """, en="""
    Each host has its own name (`/etc/hostname`), name server (`/etc/resolv.conf`), and list of the
    domains it is the final destination for (`/etc/mail/local-host-names`).
    """),
    code("""
    %%host mail.jeju.example
    hostname
    cat /etc/resolv.conf
    cat /etc/mail/local-host-names
    """, "seed:F06"),
    md(ko="""
    ## 다른 호스트의 연결을 받으려면
    CentOS의 기본 설정 `O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA`는 **자기 자신(127.0.0.1)의
    연결만** 받습니다. 다른 호스트에서 오는 메일을 받을 제주의 두 서버는 `Addr=127.0.0.1`을 지워 모든
    주소(0.0.0.0)에서 받게 하고 다시 시작합니다.
    """, en="""
    ## Accepting connections from other hosts
    CentOS's default `O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA` accepts **only
    connections from the host itself (127.0.0.1)**. Jeju's two servers, which must receive mail from
    other hosts, drop `Addr=127.0.0.1` to listen on every address (0.0.0.0), and restart.
    """),
    code("""
    %host mail.jeju.example
    edit("/etc/mail/sendmail.cf", "Port=smtp,Addr=127.0.0.1, Name=MTA", "Port=smtp, Name=MTA")
    %systemctl restart sendmail
    %netstat -tlnp | grep :25
    """, "seed:O12"),
    code("""
    %host mx2.jeju.example
    edit("/etc/mail/sendmail.cf", "Port=smtp,Addr=127.0.0.1, Name=MTA", "Port=smtp, Name=MTA")
    %systemctl restart sendmail
    %netstat -tlnp | grep :25
    %host mail.korea.example
    """, "seed:O12"),
    md(ko="""
    ## 한국에서 제주로
    `mail.korea.example`에서 alice가 bob에게 씁니다. korea의 sendmail은 `jeju.example`이 자기 도메인이 아니므로
    MX를 찾아 `mail.jeju.example`에 SMTP로 넘깁니다(esmtp 메일러). 로그의 `relay=`가 넘겨받은 호스트입니다.
    """, en="""
    ## From Korea to Jeju
    On `mail.korea.example` alice writes to bob. jeju.example is not korea's own domain, so korea's
    sendmail looks up the MX and hands the message over SMTP to `mail.jeju.example` (the esmtp
    mailer). `relay=` in the log names the host that took it.
    """),
    code("""
    %host echo "Hello from Korea" | mail -r alice@korea.example -s "Hi Bob" bob@jeju.example
    %mailq
    %tail -n 2 /var/log/maillog
    """, "seed:P01", "seed:A01"),
    md(ko="""
    제주 쪽 로그에는 `relay=mail.korea.example [127.0.0.4]`에서 받았다는 줄과 bob의 메일함에 배달(`mailer=local`)한 줄이
    있습니다. 메일의 `Received:` 헤더는 거쳐 온 호스트마다 하나씩 위에 쌓입니다.
    """, en="""
    Jeju's log says it received the message from `relay=mail.korea.example [127.0.0.4]` and delivered
    it to bob's mailbox (`mailer=local`). Each host the message passed adds one `Received:` header on top.
    """),
    code("""
    %%host mail.jeju.example
    tail -n 2 /var/log/maillog
    mail -H -u bob
    grep -E '^(Received|From|Subject):' /var/spool/mail/bob
    """, "seed:A01"),
    md(ko="""
    메시지 추적은 호스트를 넘어 이어집니다. 각 호스트에서의 큐 ID가 따로 있습니다.
    """, en="""
    The message trace goes on across hosts; the message has a queue id of its own on each host.
    """),
    code('Trace(message_id="bob@jeju.example")', "seed:A04"),
    md(ko="""
    ## 고장 1: 다음 호스트가 릴레이를 거부
    주 서버 `mail.jeju.example`이 멈추면 MX 20인 `mx2.jeju.example`이 대신 받아야 합니다. 그런데 mx2의
    `/etc/mail/relay-domains`(`FR-o`)에 jeju.example이 없으면, mx2에게 jeju.example은 남의 도메인이므로
    **Relaying denied**로 거부합니다.
    """, en="""
    ## Broken 1: the next hop refuses to relay
    When the primary, `mail.jeju.example`, is down, `mx2.jeju.example` (MX 20) must take the mail.
    But if jeju.example is not in mx2's `/etc/mail/relay-domains` (`FR-o`), jeju.example is someone
    else's domain to mx2, and it refuses with **Relaying denied**.
    """),
    code("""
    %%host mail.jeju.example
    systemctl stop sendmail
    """),
    code("""
    %%host mx2.jeju.example
    echo "# relay-domains" > /etc/mail/relay-domains
    systemctl restart sendmail
    """, "seed:O06"),
    code("""
    %host echo "Are you there?" | mail -r alice@korea.example -s "primary down" bob@jeju.example
    %mailq
    """),
    md(ko="""
    어느 호스트가 왜 거부했는지는 **받는 쪽** 로그에 있습니다. 거부된 메일은 보낸 쪽(korea)이 alice에게 반송합니다.
    """, en="""
    Which host refused, and why, is in the **receiving** host's log. The sending host (korea) returns
    the refused message to alice.
    """),
    code("""
    %%host mx2.jeju.example
    grep "Relaying denied" /var/log/maillog
    """, "seed:O06"),
    code("%mail -H -u alice", "seed:O05"),
    md(ko="""
    고칩니다: mx2의 relay-domains에 jeju.example을 넣고 다시 시작합니다. 이제 mx2가 메일을 받아 두고,
    주 서버가 아직 멈춰 있으므로 큐에서 기다립니다.
    """, en="""
    Fix it: add jeju.example to mx2's relay-domains and restart. Now mx2 accepts the mail and, with
    the primary still down, keeps it in its queue.
    """),
    code("""
    %%host mx2.jeju.example
    echo jeju.example >> /etc/mail/relay-domains
    systemctl restart sendmail
    """, "seed:O06"),
    code('%host echo "Are you there? (again)" | mail -r alice@korea.example -s "primary down, again" bob@jeju.example'),
    code("""
    %%host mx2.jeju.example
    mailq
    """),
    md(ko="""
    주 서버를 다시 켜고 mx2에서 큐를 처리하면(`sendmail -q`) 메일이 mail.jeju.example로 넘어가 bob에게 배달됩니다.
    """, en="""
    Start the primary again and run mx2's queue (`sendmail -q`): the mail moves on to mail.jeju.example
    and reaches bob.
    """),
    code("""
    %%host mail.jeju.example
    systemctl start sendmail
    """),
    code("""
    %%host mx2.jeju.example
    sendmail -q -v
    mailq
    """),
    code("""
    %%host mail.jeju.example
    mail -H -u bob
    """),
    md(ko="""
    ## 고장 2: 아무 데도 가리키지 않는 MX
    DNS 서버(korea)의 존 파일에서 MX를 잘못 적으면(주소가 없는 이름), 보내는 쪽은 연결할 곳을 찾지 못해
    메일을 큐에 두고 나중에 다시 시도합니다. 존 파일을 고친 뒤에는 named를 다시 읽게 합니다(`systemctl restart named`,
    실제 서버에서는 일련번호(serial)도 올리고 `rndc reload`).
    """, en="""
    ## Broken 2: an MX pointing nowhere
    If the zone file on the DNS server (korea) names an MX host with no address, the sending host
    finds nowhere to connect, keeps the message queued and retries later. After editing a zone, make
    named read it again (`systemctl restart named`; on a real server also raise the serial and `rndc reload`).
    """),
    code("""
    edit("/var/named/jeju.example.zone", "IN  MX    10 mail.jeju.example.\\n        IN  MX    20 mx2.jeju.example.",
         "IN  MX    10 mial.jeju.example.")
    %systemctl restart named
    %dig +short MX jeju.example
    """),
    code("""
    %host echo "typo in DNS" | mail -r alice@korea.example -s "MX nowhere" bob@jeju.example
    %mailq
    """),
    code("""
    edit("/var/named/jeju.example.zone", "IN  MX    10 mial.jeju.example.",
         "IN  MX    10 mail.jeju.example.\\n        IN  MX    20 mx2.jeju.example.")
    %systemctl restart named
    %sendmail -q -v
    %mailq
    """),
    code("""
    %%host mail.jeju.example
    mail -H -u bob
    """),
    md(ko="""
    ## 고장 3: 받는 호스트의 local-host-names에 도메인이 없음
    mail.jeju.example의 `/etc/mail/local-host-names`에서 jeju.example을 빼면, 그 서버는 `bob@jeju.example`을
    자기 메일로 여기지 않습니다. 남의 도메인으로 가는 메일을 korea에게 릴레이해 줄 까닭도 없으니 역시
    **Relaying denied**입니다. 같은 오류라도 원인은 다릅니다. 로그를 보고 어느 호스트의 어느 설정인지 찾습니다.
    """, en="""
    ## Broken 3: the receiving host's local-host-names lacks the domain
    Take jeju.example out of mail.jeju.example's `/etc/mail/local-host-names`, and that server no longer
    takes `bob@jeju.example` as its own mail. It has no reason to relay mail for someone else's domain
    for korea either: **Relaying denied** again. The same error, another cause: the logs tell which
    host and which setting.
    """),
    code("""
    %%host mail.jeju.example
    echo "# local-host-names" > /etc/mail/local-host-names
    systemctl restart sendmail
    """, "seed:F06"),
    code('%host echo "Still there?" | mail -r alice@korea.example -s "no local name" bob@jeju.example'),
    code("""
    %%host mail.jeju.example
    grep "Relaying denied" /var/log/maillog
    """, "seed:F06"),
    code("%mail -H -u alice"),
    code("""
    %%host mail.jeju.example
    echo jeju.example >> /etc/mail/local-host-names
    systemctl restart sendmail
    """, "seed:F06"),
    code('%host echo "Still there? (again)" | mail -r alice@korea.example -s "local name back" bob@jeju.example'),
    code("""
    %%host mail.jeju.example
    mail -H -u bob
    """, "seed:F06"),
    md(ko="""
    ## mailertable: 도메인마다 경로를 직접 정하기
    MX 대신 관리자가 경로를 정할 수도 있습니다. `/etc/mail/mailertable`의 한 줄은 `도메인<탭>메일러:호스트`입니다.
    호스트를 `[ ]`로 감싸면 MX를 찾지 않고 그 호스트로 바로 보냅니다. 이 파일도 access처럼 `makemap`으로
    `.db`를 만들어야 적용되고, sendmail을 다시 시작할 필요는 없습니다. `sendmail -bt`의 `/parse`로 어떤
    메일러와 호스트가 골라지는지 먼저 확인합니다.
    """, en="""
    ## mailertable: a route per domain, chosen by hand
    Instead of the MX records, the administrator can choose the route. A line of `/etc/mail/mailertable` is
    `domain<TAB>mailer:host`. A host in `[ ]` means no MX lookup: straight to that host. Like access, the
    file takes effect once `makemap` has built its `.db`; sendmail needs no restart. `/parse` of
    `sendmail -bt` shows first which mailer and host are chosen.
    """),
    code("""
    %%host
    printf 'jeju.example\\tesmtp:[mx2.jeju.example]\\n' >> /etc/mail/mailertable
    makemap hash /etc/mail/mailertable < /etc/mail/mailertable
    cat /etc/mail/mailertable
    """),
    code("""
    %%sendmail -bt
    /parse bob@jeju.example
    """),
    code('%host echo "via the backup" | mail -r alice@korea.example -s "mailertable route" bob@jeju.example'),
    code("%tail -n 1 /var/log/maillog"),
    md(ko="""
    korea는 MX를 보지 않고 mx2로 넘겼습니다(`relay=mx2.jeju.example`). mx2는 jeju.example의 보조 MX이므로
    자기보다 우선순위가 높은 mail.jeju.example에 다시 넘깁니다. bob의 메일함에서 `Received:` 줄이 세 개인
    것을 확인하고, 줄을 지워 원래대로 돌려 놓습니다.
    """, en="""
    korea did not look at the MX records and handed the message to mx2 (`relay=mx2.jeju.example`). mx2,
    jeju.example's backup MX, passes it on to the preferred mail.jeju.example. Count the three `Received:`
    lines in bob's mailbox, then remove the line to restore the route.
    """),
    code("""
    %%host mail.jeju.example
    tail -n 30 /var/spool/mail/bob | grep -E '^Received: from'
    """),
    code("""
    edit("/etc/mail/mailertable", "jeju.example\\tesmtp:[mx2.jeju.example]\\n", "")
    %makemap hash /etc/mail/mailertable < /etc/mail/mailertable
    %sendmail -bv bob@jeju.example
    """),
    md(ko="""
    ## genericstable: 밖으로 나가는 보내는 사람 주소 바꾸기
    회사 밖으로 나가는 메일에는 계정 이름 대신 정해진 주소(예: `alice.kim@korea.example`)를 쓰고 싶을 때가
    있습니다. `FEATURE(`genericstable')`을 넣으면 sendmail이 보내는 사람 주소를 `/etc/mail/genericstable`에서
    찾아 바꿉니다(받는 주소를 바꾸는 virtusertable의 반대 방향). `GENERICS_DOMAIN`은 바꿀 주소의 도메인,
    `masquerade_envelope`는 헤더뿐 아니라 봉투 발신자도 바꾸라는 뜻입니다. .mc를 고쳤으니 m4로 .cf를 다시 만듭니다.
    """, en="""
    ## genericstable: another sender address on the way out
    Mail leaving the company should often show a set address (say `alice.kim@korea.example`) instead of the
    account name. With `FEATURE(`genericstable')` sendmail looks the sender up in `/etc/mail/genericstable`
    and rewrites it (the other direction of virtusertable, which rewrites recipients). `GENERICS_DOMAIN` names
    the domain of the addresses to rewrite, `masquerade_envelope` rewrites the envelope sender as well as the
    header. The .mc changed, so m4 builds the .cf again.
    """),
    code("""
    %%host
    yum -y install sendmail-cf
    printf 'alice@korea.example\\talice.kim@korea.example\\n' > /etc/mail/genericstable
    makemap hash /etc/mail/genericstable < /etc/mail/genericstable
    """),
    code("""
    edit("/etc/mail/sendmail.mc", "MAILER(smtp)dnl",
         "FEATURE(`genericstable', `hash -o /etc/mail/genericstable.db')dnl\\n"
         "GENERICS_DOMAIN(`korea.example')dnl\\n"
         "FEATURE(`masquerade_envelope')dnl\\n"
         "MAILER(smtp)dnl")
    """),
    code("""
    %%host
    m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf.new
    grep -E '^(Kgenerics|C\\{G\\})' /etc/mail/sendmail.cf.new
    mv /etc/mail/sendmail.cf.new /etc/mail/sendmail.cf
    systemctl restart sendmail
    """),
    code('%host echo "new name" | mail -r alice@korea.example -s "genericstable" bob@jeju.example'),
    code("""
    %%host mail.jeju.example
    tail -n 1 /var/log/maillog
    tail -n 25 /var/spool/mail/bob | grep -E '^(Return-Path|From):'
    """),
    quiz(
        q(("밖으로 나가는 메일의 보내는 사람 주소 alice@korea.example을 alice.kim@korea.example로 바꾸려 한다. "
           "sendmail.mc에 넣을 기능과 그 맵 파일로 옳은 것은?",
           ["FEATURE(`virtusertable') / /etc/mail/virtusertable", "FEATURE(`mailertable') / /etc/mail/mailertable",
            "FEATURE(`access_db') / /etc/mail/access", "FEATURE(`genericstable') / /etc/mail/genericstable"],
           "genericstable은 보내는 사람 주소를 바꿉니다(GENERICS_DOMAIN의 도메인만, masquerade_envelope가 있으면 "
           "봉투 발신자도). 맵은 makemap hash로 만들고, .mc를 고쳤으니 m4로 .cf를 다시 만들어 sendmail을 다시 시작합니다.",
           ["virtusertable은 받는 주소를 계정으로 바꿉니다(반대 방향).", "mailertable은 도메인별 배달 경로를 정합니다.",
            "access는 접근 제어(릴레이 허용, 거부)입니다.", "정답."]),
          ("Outgoing mail from alice@korea.example should show alice.kim@korea.example as its sender. "
           "Which sendmail.mc feature and map file do that?",
           ["FEATURE(`virtusertable') / /etc/mail/virtusertable", "FEATURE(`mailertable') / /etc/mail/mailertable",
            "FEATURE(`access_db') / /etc/mail/access", "FEATURE(`genericstable') / /etc/mail/genericstable"],
           "genericstable rewrites sender addresses (of the GENERICS_DOMAIN domains; with masquerade_envelope the "
           "envelope sender too). The map is built with makemap hash; the .mc changed, so m4 rebuilds the .cf and "
           "sendmail restarts.",
           ["virtusertable maps recipient addresses to accounts (the other direction).",
            "mailertable sets the delivery route per domain.", "access is access control (relay, reject).",
            "Right."]), 3),
        q(("mail.korea.example의 /etc/mail/mailertable에 `jeju.example\tesmtp:[mx2.jeju.example]`를 넣고 "
           "makemap으로 .db를 만들었다. bob@jeju.example로 가는 메일은?",
           ["MX 10인 mail.jeju.example로 간다", "sendmail을 다시 시작해야 바뀐다",
            "MX를 찾지 않고 mx2.jeju.example로 간다", "로컬 메일러로 korea의 bob에게 배달된다"],
           "mailertable은 도메인마다 메일러와 호스트를 정합니다. [ ]로 감싼 호스트는 MX 조회 없이 그 호스트로 "
           "바로 보냅니다. 맵은 메일마다 읽으므로 makemap만으로 적용됩니다.",
           ["mailertable이 MX보다 먼저 적용됩니다.", "해시 맵은 다시 시작하지 않아도 다음 메일부터 적용됩니다.",
            "정답.", "메일러가 esmtp이므로 다른 호스트로 SMTP로 보냅니다."]),
          ("On mail.korea.example, `jeju.example\tesmtp:[mx2.jeju.example]` was added to /etc/mail/mailertable "
           "and its .db built with makemap. Where does mail for bob@jeju.example go?",
           ["to mail.jeju.example, the MX 10", "nowhere new until sendmail restarts",
            "to mx2.jeju.example, without an MX lookup", "to korea's own bob, by the local mailer"],
           "mailertable sets the mailer and host per domain. A host in [ ] is used as it is, without an MX "
           "lookup. The map is read for every message, so makemap is enough.",
           ["mailertable comes before the MX records.", "A hash map applies from the next message, no restart.",
            "Right.", "The mailer is esmtp: SMTP to another host."]), 2),
        q(("jeju.example의 MX 레코드가 다음과 같을 때 다른 서버가 먼저 연결을 시도하는 호스트는?\n"
           "jeju.example. 86400 IN MX 20 mx2.jeju.example.\n"
           "jeju.example. 86400 IN MX 10 mail.jeju.example.",
           ["mx2.jeju.example", "mail.jeju.example", "둘 중 아무 쪽이나 무작위로", "ns.korea.example"],
           "preference 값이 작은 MX부터 시도합니다. 적힌 순서와는 관계없습니다.",
           ["20은 10보다 크므로 두 번째입니다.", "정답: 10이 가장 작습니다.", "값이 같을 때만 고르게 나눕니다.",
            "NS 레코드의 이름 서버이지 메일 서버가 아닙니다."]),
          ("Given these MX records of jeju.example, which host does another server try first?\n"
           "jeju.example. 86400 IN MX 20 mx2.jeju.example.\n"
           "jeju.example. 86400 IN MX 10 mail.jeju.example.",
           ["mx2.jeju.example", "mail.jeju.example", "either one, at random", "ns.korea.example"],
           "The MX with the lower preference is tried first, whatever the order of the lines.",
           ["20 is higher than 10: it comes second.", "Right: 10 is the lowest.", "Only equal preferences are spread.",
            "That is the name server of the NS record, not a mail server."]), 1),
        q(("jeju.example의 MX를 조회하는 명령을 하나 쓰세요.", [],
           "host -t mx jeju.example, nslookup -type=mx jeju.example, dig jeju.example MX 모두 됩니다."),
          ("Write one command that looks up the MX records of jeju.example.", [],
           "host -t mx jeju.example, nslookup -type=mx jeju.example and dig jeju.example MX all do."),
         ["host -t mx jeju.example", "nslookup -type=mx jeju.example", "nslookup -query=mx jeju.example",
          "dig jeju.example mx", "dig mx jeju.example", "dig -t mx jeju.example", "dig jeju.example MX",
          "dig MX jeju.example", "host -t MX jeju.example"]),
        q(("보조 MX 서버 mx2.jeju.example이 jeju.example로 가는 메일을 받아 두었다가 주 서버로 넘기게 하려면, "
           "mx2에서 jeju.example을 적어 둘 파일은?",
           ["/etc/mail/local-host-names", "/etc/mail/relay-domains", "/etc/mail/virtusertable", "/etc/aliases"],
           "relay-domains(FR-o)에 있는 도메인으로 가는 메일은 누가 보내도 받아서 넘깁니다(릴레이). "
           "local-host-names에 넣으면 mx2가 최종 목적지가 되어 mx2의 메일함에 배달해 버립니다.",
           ["mx2가 최종 목적지가 되어 주 서버로 넘기지 않습니다.", "정답.", "가상 주소를 계정으로 바꾸는 맵입니다.",
            "로컬 별칭 파일입니다."]),
          ("The backup MX mx2.jeju.example should accept mail for jeju.example and pass it on to the primary. "
           "In which file on mx2 do you list jeju.example?",
           ["/etc/mail/local-host-names", "/etc/mail/relay-domains", "/etc/mail/virtusertable", "/etc/aliases"],
           "Mail for a domain in relay-domains (FR-o) is accepted from anyone and passed on (relayed). In "
           "local-host-names mx2 would be the final destination and deliver it into its own mailboxes.",
           ["mx2 would be the final destination and never pass it on.", "Right.",
            "The map from virtual addresses to accounts.", "The local alias file."]), 1),
        q(("mail.korea.example에서 bob@jeju.example로 보낸 메일이 반송되었고, mail.jeju.example의 maillog에 다음 줄이 있다. "
           "고칠 곳은?\n"
           "ruleset=check_rcpt, arg1=<bob@jeju.example>, relay=mail.korea.example [127.0.0.4], "
           "reject=550 5.7.1 <bob@jeju.example>... Relaying denied",
           ["mail.korea.example의 /etc/mail/access에 jeju.example RELAY 추가",
            "mail.jeju.example의 /etc/mail/local-host-names에 jeju.example 추가",
            "mail.korea.example의 DaemonPortOptions에서 Addr=127.0.0.1 삭제",
            "jeju.example 존의 MX preference를 바꾼다"],
           "MX가 가리키는 최종 목적지 mail.jeju.example이 jeju.example을 자기 도메인으로 알지 못해 릴레이 요청으로 "
           "보고 거부했습니다. 받는 호스트의 local-host-names(Fw)에 넣고 sendmail을 다시 시작합니다.",
           ["거부한 곳은 jeju입니다. korea의 access는 korea에 연결하는 클라이언트에 대한 규칙입니다.", "정답.",
            "korea는 보내는 쪽입니다. 받는 jeju는 이미 연결을 받았습니다(거부는 RCPT에서).",
            "MX는 올바른 호스트를 가리켰습니다."]),
          ("Mail from mail.korea.example to bob@jeju.example bounced, and mail.jeju.example's maillog has this line. "
           "What do you fix?\n"
           "ruleset=check_rcpt, arg1=<bob@jeju.example>, relay=mail.korea.example [127.0.0.4], "
           "reject=550 5.7.1 <bob@jeju.example>... Relaying denied",
           ["add jeju.example RELAY to /etc/mail/access on mail.korea.example",
            "add jeju.example to /etc/mail/local-host-names on mail.jeju.example",
            "remove Addr=127.0.0.1 from DaemonPortOptions on mail.korea.example",
            "change the MX preferences in the jeju.example zone"],
           "The final destination the MX names, mail.jeju.example, does not know jeju.example as its own "
           "domain, takes the message as a relay request and refuses it. List the domain in the receiving "
           "host's local-host-names (Fw) and restart sendmail.",
           ["jeju refused it; korea's access rules are about clients connecting to korea.", "Right.",
            "korea is the sender; jeju did take the connection (the refusal came at RCPT).",
            "The MX named the right host."]), 1),
        q(("sendmail.cf의 `O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA`에 대한 설명으로 옳은 것은?",
           ["모든 네트워크 주소에서 25번 포트로 연결을 받는다", "같은 호스트에서 오는 연결만 받는다",
            "127.0.0.1로만 메일을 보낸다", "포트 587로 제출(submission)을 받는다"],
           "Addr=127.0.0.1이면 루프백에서만 받습니다. 다른 호스트의 메일을 받으려면 Addr를 지우거나 0.0.0.0으로 바꿉니다.",
           ["그것은 Addr=0.0.0.0(또는 Addr 없음)입니다.", "정답.", "보내는 쪽 설정(ClientPortOptions)이 아닙니다.",
            "Port=smtp는 25번입니다."]),
          ("Which is right about `O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA` in sendmail.cf?",
           ["it accepts connections on port 25 on every network address", "it accepts connections from the same host only",
            "it sends mail only to 127.0.0.1", "it accepts submission on port 587"],
           "With Addr=127.0.0.1 it listens on loopback only; to receive mail from other hosts drop Addr or use 0.0.0.0.",
           ["That is Addr=0.0.0.0 (or no Addr).", "Right.", "It is not the sending side (ClientPortOptions).",
            "Port=smtp is 25."]), 1),
        q(("보내는 호스트의 maillog에 `stat=Deferred: Connection refused by mail.jeju.example.`가 있다. 옳은 설명은?",
           ["메일이 보낸 사람에게 곧바로 반송되었다", "메일이 큐에 남아 나중에 다시 시도된다",
            "mail.jeju.example이 릴레이를 거부했다", "jeju.example에 MX 레코드가 없다"],
           "Deferred는 일시적인 실패입니다. 큐에 남아 다음 큐 처리 때 다시 시도하고, Timeout.queuereturn이 지나면 반송합니다.",
           ["반송은 영구 실패(5xx)나 queuereturn이 지난 뒤입니다.", "정답.", "거부는 연결된 뒤의 5xx 응답입니다. 이것은 연결조차 못 했습니다.",
            "MX는 찾았고 그 호스트에 연결하지 못했습니다."]),
          ("The sending host's maillog says `stat=Deferred: Connection refused by mail.jeju.example.`. Which is right?",
           ["the message was returned to its sender at once", "the message stays queued and is tried again later",
            "mail.jeju.example refused to relay it", "jeju.example has no MX record"],
           "Deferred is a temporary failure: the message stays queued for the next queue run, and is returned "
           "only after Timeout.queuereturn.",
           ["Returns come after a permanent failure (5xx) or queuereturn.", "Right.",
            "A refusal is a 5xx reply after connecting; here there was no connection.",
            "The MX was found; its host could not be reached."]), 1),
        q(("DNS 서버에서 존 파일의 MX 레코드를 고친 뒤 해야 할 일로 알맞은 것을 모두 고르세요.",
           ["SOA의 일련번호(serial)를 올린다", "rndc reload(또는 systemctl reload named)로 다시 읽게 한다",
            "newaliases를 실행한다", "makemap hash로 존 파일을 .db로 만든다"],
           "named는 존 파일을 읽어 둔 것으로 답합니다. 고친 뒤 다시 읽게 하고, 보조 DNS가 알아채도록 serial을 올립니다.",
           ["맞는 보기.", "맞는 보기.", "별칭 데이터베이스를 만드는 명령입니다.", "존 파일은 makemap으로 만들지 않습니다."]),
          ("After editing the MX records in a zone file on the DNS server, what should you do? Choose all.",
           ["raise the SOA serial", "make named read it again (rndc reload or systemctl reload named)",
            "run newaliases", "build the zone into a .db with makemap hash"],
           "named answers from the zones it has read: make it read them again, and raise the serial so secondary servers notice.",
           ["Right.", "Right.", "That builds the alias database.", "Zone files are not built with makemap."]), [0, 1]),
    ),
    end(),
]
