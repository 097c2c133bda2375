from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 07. access와 makemap: 릴레이 허용과 스팸 막기

    `/etc/mail/access`는 **누가 이 서버를 쓸 수 있는지** 정하는 접근 제어 파일입니다.
    스팸을 막거나, 다른 컴퓨터가 이 서버를 통해 바깥으로 메일을 보내도록(릴레이) 허용할 때 씁니다.
    한 줄은 `정책대상  정책` 형식입니다.

    | 정책 | 뜻 |
    | --- | --- |
    | `RELAY` | 릴레이 허용(이 서버를 거쳐 다른 도메인으로 보내도 됨) |
    | `OK` | 다른 규칙이 거절하더라도 받아 줌(예: DNS 조회에 실패해도) |
    | `REJECT` | 거절하고, 거절했다는 오류 메시지를 보냄 |
    | `DISCARD` | 받은 척하고(250) 조용히 버림; 보낸 쪽은 모름 |
    | `ERROR:"550 문구"` | 원하는 오류 코드와 문구로 거절 |

    정책 대상은 **도메인**(`spam.example.net`), **IP 주소**(`127.0.0.2`, `192.168.1`처럼 앞부분만도 됨),
    **메일 주소**(`junk@example.org`)입니다. 앞에 `Connect:`, `From:`, `To:`를 붙이면 접속한 호스트,
    보내는 사람, 받는 사람 중 어느 것에 적용할지 정할 수 있습니다.

    sendmail은 텍스트 파일이 아니라 <strong>`access.db`</strong>를 읽습니다. 고친 뒤에는 반드시:
    ```
    makemap hash /etc/mail/access < /etc/mail/access
    ```
    """, en="""
    # 07. access and makemap: relaying and blocking spam

    `/etc/mail/access` is the access control file: **who may use this server**. It blocks spam,
    and allows other computers to send mail out through this server (relaying). A line is
    `target  policy`.

    | Policy | Meaning |
    | --- | --- |
    | `RELAY` | allow relaying (mail may go through this server to other domains) |
    | `OK` | accept even if another rule would refuse (e.g. when a DNS lookup fails) |
    | `REJECT` | refuse, and send an error message saying so |
    | `DISCARD` | pretend to accept (250) and silently drop it; the sender never knows |
    | `ERROR:"550 text"` | refuse with your own code and text |

    The target is a **domain** (`spam.example.net`), an **IP address** (`127.0.0.2`, or just its
    first part like `192.168.1`) or a **mail address** (`junk@example.org`). A `Connect:`, `From:`
    or `To:` prefix says whether it applies to the connecting host, the sender or the recipient.

    sendmail reads **`access.db`**, not the text file. After every change:
    ```
    makemap hash /etc/mail/access < /etc/mail/access
    ```
    """),
    start(),
    code("""
    %grep ^Kaccess /etc/mail/sendmail.cf
    %grep -v '^#' /etc/mail/access
    """, "seed:O08", "seed:F04"),
    md(ko="""
    `Kaccess` 줄이 access 맵(`/etc/mail/access.db`)을 선언합니다. 기본 설정은 이 서버 자신
    (localhost, 127.0.0.1)에게만 릴레이를 허용합니다.

    ## 다른 컴퓨터의 릴레이: 거절
    `client.example.com`(127.0.0.2)에서 바깥 주소 `dave@example.com`으로 보내 봅니다.
    """, en="""
    The `Kaccess` line declares the access map (`/etc/mail/access.db`). The stock file allows
    relaying only for this host itself (localhost, 127.0.0.1).

    ## Relaying for another computer: refused
    From `client.example.com` (127.0.0.2), send to the outside address `dave@example.com`.
    """),
    code('smtp_send("dave@example.com", subject="relay me", client="127.0.0.2")', "seed:F04"),
    md(ko="""
    ## RELAY: 허용하기, 그리고 makemap
    `Connect:127.0.0.2 RELAY`를 추가합니다. **makemap 전에는** 아무것도 바뀌지 않는 것을 확인하세요.
    """, en="""
    ## RELAY: allow it, then makemap
    Add `Connect:127.0.0.2 RELAY`. Check that **before makemap** nothing changes.
    """),
    code("""
    %%host
    echo "Connect:127.0.0.2		RELAY" >> /etc/mail/access
    tail -1 /etc/mail/access
    """, "seed:F04", "seed:F08"),
    code('smtp_send("dave@example.com", subject="relay me", client="127.0.0.2")', "seed:F04", "seed:F08"),
    code("""
    %makemap hash /etc/mail/access < /etc/mail/access
    %ls -l /etc/mail/access /etc/mail/access.db
    """, "seed:F04", "seed:F08"),
    code('smtp_send("dave@example.com", subject="relay me", client="127.0.0.2")', "seed:F04", "seed:F08"),
    md(ko="""
    makemap 뒤에는 재시작 없이 바로 적용됩니다(sendmail이 매번 access.db를 찾아봄).
    받은 메일은 바깥으로 나갈 수 없어 큐에서 기다립니다(9장).

    ## REJECT, DISCARD, OK
    스팸 도메인 `spam.example.net`은 거절하고, `junk@example.org`에서 오는 메일은 조용히 버리고,
    그 스팸 도메인에 있는 친구 한 명(`friend@spam.example.net`)만은 받아 줍니다. 더 구체적인 항목
    (주소)이 도메인 항목보다 먼저 적용됩니다. 휴가 중인 carol에게 오는 메일은 `To:` 항목으로 거절합니다.
    sendmail은 받는 주소의 도메인을 표준 이름(`localhost` → 이 호스트의 `localhost.localdomain`)으로
    바꾼 뒤 찾으므로, 항목도 `To:carol@localhost.localdomain`으로 씁니다.
    """, en="""
    After makemap it applies at once, with no restart (sendmail looks into access.db every time).
    The accepted message cannot leave the sandbox, so it waits in the queue (chapter 09).

    ## REJECT, DISCARD, OK
    Refuse the spam domain `spam.example.net`, silently drop mail from `junk@example.org`, and still
    accept one friend in that spam domain (`friend@spam.example.net`). The more specific entry (the
    address) wins over the domain entry. Mail for carol, on holiday, is refused with a `To:` entry:
    sendmail looks a recipient up under the canonical name of its domain (`localhost` becomes this
    host's `localhost.localdomain`), so the entry says `To:carol@localhost.localdomain`.
    """),
    code("""
    %%host
    echo "From:spam.example.net		REJECT" >> /etc/mail/access
    echo "From:junk@example.org		DISCARD" >> /etc/mail/access
    echo "From:friend@spam.example.net	OK" >> /etc/mail/access
    echo 'To:carol@localhost.localdomain	ERROR:"550 carol is on holiday"' >> /etc/mail/access
    makemap hash /etc/mail/access < /etc/mail/access
    """, "seed:F04"),
    code("""
    smtp_send("alice@localhost", subject="cheap pills", sender="eve@spam.example.net")
    smtp_send("alice@localhost", subject="more junk", sender="junk@example.org")
    smtp_send("alice@localhost", subject="hi from a friend", sender="friend@spam.example.net")
    smtp_send("carol@localhost", subject="are you there?")
    """, "seed:F04"),
    code("%mail -H -u alice", "seed:F04"),
    md(ko="""
    eve의 메일은 어디에서 멈췄을까요? sendmail은 MAIL FROM을 받는 순간 큐 ID를 정하고, 거절도 그 ID로
    `/var/log/maillog`에 남깁니다. **Trace**에 주소를 주면 그 기록을 찾아 보여 줍니다.
    """, en="""
    Where did eve's mail stop? sendmail gives a transaction its queue ID as soon as it takes MAIL FROM,
    and logs the refusal under that ID in `/var/log/maillog`. Give **Trace** the address and it finds
    that record.
    """),
    code("""
    %grep reject= /var/log/maillog
    trace = Trace(message_id="eve@spam.example.net")
    for step in trace.steps:
        print(f"{step['agent']:<10} {'ok' if step['ok'] else '--'}  {step['what']}")
    """, "seed:F04"),
    md(ko="""
    - eve: `550 5.7.1 ... Access denied` (REJECT: 보낸 사람이 거절당한 것을 앎)
    - junk: `250 ... accepted`이지만 메일함에 없음 (DISCARD: 보낸 사람은 모름)
    - friend: 도메인은 REJECT지만 주소 항목 OK가 이겨서 도착
    - carol: 우리가 정한 문구로 거절

    ## Connect: 접속 자체를 막기
    `spam.example.net` 호스트(127.0.0.3)에서 들어오는 연결을 막으면, 인사(220)는 하지만 그 뒤의
    모든 명령을 거절합니다.
    """, en="""
    - eve: `550 5.7.1 ... Access denied` (REJECT: the sender learns it was refused)
    - junk: `250 ... accepted` but not in the mailbox (DISCARD: the sender never knows)
    - friend: the domain is REJECT, but the address entry OK wins, so it arrives
    - carol: refused with our own text

    ## Connect: refusing the connection itself
    Block connections from the host `spam.example.net` (127.0.0.3): it still gets the greeting
    (220), then every command is refused.
    """),
    code("""
    %%host
    echo "Connect:127.0.0.3		REJECT" >> /etc/mail/access
    makemap hash /etc/mail/access < /etc/mail/access
    """, "seed:F04"),
    code('smtp_send("alice@localhost", subject="knock knock", client="127.0.0.3")', "seed:F04"),
    md(ko="""
    ## FR-o: relay-domains로 도메인 전체에 릴레이 허용
    sendmail.cf의 `FR-o /etc/mail/relay-domains`는 릴레이를 허용할 도메인 목록 파일입니다.
    이 파일에 `example.com`을 넣으면 두 가지가 허용됩니다. 그 도메인의 호스트(예: `client.example.com`)가
    어느 도메인으로든 릴레이할 수 있고, 어느 호스트에서든 그 도메인(`...@example.com`)으로 가는 메일을
    받아 넘겨 줍니다. access와 달리 이 파일은 **sendmail을 다시 시작해야** 읽습니다.
    먼저 access의 127.0.0.2 RELAY 줄을 지워서, relay-domains만의 효과를 봅니다.
    """, en="""
    ## FR-o: relaying for a whole domain with relay-domains
    `FR-o /etc/mail/relay-domains` in sendmail.cf names the file of domains allowed to relay.
    With `example.com` in it, two things are allowed: hosts of that domain (like
    `client.example.com`) may relay to any domain, and mail from any host to that domain
    (`...@example.com`) is relayed. Unlike access, this file is read only when **sendmail restarts**.
    First remove access's RELAY line for 127.0.0.2, to see relay-domains on its own.
    """),
    code("""
    %%host
    grep -v '^Connect:127.0.0.2' /etc/mail/access > /tmp/access.new
    cp /tmp/access.new /etc/mail/access
    makemap hash /etc/mail/access < /etc/mail/access
    grep '^FR' /etc/mail/sendmail.cf
    """, "seed:O06"),
    code('smtp_send("dave@example.com", subject="relay by domain", client="127.0.0.2")', "seed:O06"),
    md(ko="""
    왜 거부되었는지는 `sendmail -bt`로 sendmail.cf의 규칙을 직접 돌려 보면 보입니다. `.D`로 접속한 클라이언트의
    주소와 이름(매크로 `{client_addr}`, `{client_name}`)을 정하고, RCPT 때 도는 규칙 묶음 `check_rcpt`에
    받는 주소를 넣습니다. `Relay_ok`가 허용할 근거를 찾지 못해 `550 Relaying denied`로 끝납니다.
    """, en="""
    Why it was refused shows when sendmail.cf's rules run in `sendmail -bt`. `.D` sets the client's
    address and name (the macros `{client_addr}`, `{client_name}`), and `check_rcpt`, the ruleset run
    at RCPT, gets the recipient. `Relay_ok` finds no reason to allow it, so it ends in `550 Relaying denied`.
    """),
    code("""
    %%sendmail -bt
    .D{client_addr}127.0.0.2
    .D{client_name}client.example.com
    check_rcpt dave@example.com
    """, "seed:O06"),
    code("""
    %%host
    echo "example.com" >> /etc/mail/relay-domains
    systemctl restart sendmail
    """, "seed:O06"),
    code('smtp_send("dave@example.com", subject="relay by domain", client="127.0.0.2")', "seed:O06"),
    md(ko="""
    두 가지를 따로 봅니다. `client.example.com`(127.0.0.2)은 example.com의 호스트이므로 다른 도메인
    (`other.org`)으로도 릴레이할 수 있습니다. 이름 없는 호스트 127.0.0.4는 example.com으로 가는 메일만
    넘길 수 있고, `other.org`로는 거부됩니다.
    """, en="""
    Now the two apart. `client.example.com` (127.0.0.2) is a host of example.com, so it may relay
    to another domain (`other.org`) too. The nameless host 127.0.0.4 may only send mail for
    example.com through this server; for `other.org` it is refused.
    """),
    code('smtp_send("friend@other.org", subject="client side", client="127.0.0.2")', "seed:O06"),
    code('smtp_send("dave@example.com", subject="recipient side", client="127.0.0.4")', "seed:O06"),
    code('smtp_send("friend@other.org", subject="neither", client="127.0.0.4")', "seed:O06"),
    md(ko="""
    ## 실수: 파일 이름 오타
    makemap의 입력 파일 이름이 틀리면 셸이 먼저 오류를 냅니다. 이때 기존 access.db는 그대로 남습니다.
    """, en="""
    ## A slip: a typo in the file name
    With a wrong input file name the shell complains first; the old access.db stays as it was.
    """),
    code("%makemap hash /etc/mail/access < /etc/mail/acess", "seed:F04", "raises-exception"),
    md(ko="""
    ## 위젯으로 access 고치기
    ConfigEditor의 **access** 탭에서 줄을 고치고 Apply를 누르면 문법을 검사한 뒤 저장하고
    `makemap hash /etc/mail/access < /etc/mail/access`까지 실행합니다.
    """, en="""
    ## Edit access in the widget
    In ConfigEditor's **access** tab, change lines and press Apply: it checks the syntax, saves,
    and runs `makemap hash /etc/mail/access < /etc/mail/access`.
    """),
    code("""
    editor = ConfigEditor(lang=LANG)
    editor.editors["/etc/mail/access"].value += "From:bad@example.com\\tREJECT\\n"
    editor.apply_file("/etc/mail/access")
    print(editor.command_log.text)
    editor
    """, "seed:F04"),
    quiz(
        q(("/etc/mail/access를 고친 뒤 적용하는 명령은?", ["newaliases", "m4 /etc/mail/access > /etc/mail/access.db",
                                                     "sendmail -bi", "makemap hash /etc/mail/access < /etc/mail/access"],
           "makemap hash가 텍스트를 읽어 sendmail이 읽는 access.db를 만듭니다. 재시작은 필요 없습니다.",
           ["newaliases는 별칭 DB만 만듭니다.", "m4는 .mc로 .cf를 만드는 매크로 처리기입니다. .db를 만들지 못합니다.",
            "sendmail -bi는 newaliases와 같습니다.", "정답."]),
          ("Which command applies a change to /etc/mail/access?", ["newaliases", "m4 /etc/mail/access > /etc/mail/access.db",
                                                                   "sendmail -bi", "makemap hash /etc/mail/access < /etc/mail/access"],
           "makemap hash reads the text and builds the access.db sendmail reads; no restart needed.",
           ["newaliases only builds the alias database.", "m4 is the macro processor that builds the .cf from the .mc; it makes no .db.",
            "sendmail -bi is newaliases.", "Right."]), 3),
        q(("192.168.1.0/24 네트워크의 호스트들이 이 서버로 릴레이하게 하는 access 줄은?", ["192.168.1 OK", "192.168.1 RELAY", "RELAY 192.168.1", "192.168.1.* ACCEPT"],
           "`정책대상 정책` 순서이고, IP는 앞부분(192.168.1)만 적어 네트워크 전체를 가리킬 수 있습니다.",
           ["OK는 받아 주기만 할 뿐 릴레이 허용이 아닙니다.", "정답: 192.168.1 RELAY.",
            "순서가 반대입니다. 대상이 먼저, 정책이 나중입니다.", "*도 ACCEPT도 access 파일의 문법이 아닙니다."]),
          ("Which access line lets hosts of 192.168.1.0/24 relay through this server?", ["192.168.1 OK", "192.168.1 RELAY", "RELAY 192.168.1", "192.168.1.* ACCEPT"],
           "`target policy`; an IP written in part (192.168.1) covers the whole network.",
           ["OK only accepts; it does not allow relaying.", "Right: 192.168.1 RELAY.",
            "Backwards: the target comes first, then the policy.", "Neither * nor ACCEPT is access-file syntax."]), 1),
        q(("sendmail.cf에서 릴레이를 허용할 도메인 파일을 지정하는 항목은?", ["Fw", "Ft", "FR-o", "Kaccess"],
           "FR-o /etc/mail/relay-domains. -o는 파일이 없어도 된다는 뜻입니다.",
           ["Fw는 받을 호스트 이름 목록 파일(local-host-names)입니다.", "Ft는 신뢰 사용자 파일입니다.",
            "정답: FR-o.", "Kaccess는 access 맵 선언입니다(파일 목록이 아님)."]),
          ("Which sendmail.cf item names the file of domains allowed to relay?", ["Fw", "Ft", "FR-o", "Kaccess"],
           "FR-o /etc/mail/relay-domains; -o: the file may be missing.",
           ["Fw is the file of names to receive for (local-host-names).", "Ft is the trusted-users file.",
            "Right: FR-o.", "Kaccess declares the access map (not a list file)."]), 2),
        q(("access 파일의 정책에 대한 설명으로 옳지 않은 것은?",
           ["RELAY: 그 대상이 이 서버를 거쳐 다른 도메인으로 메일을 보내는 것(릴레이)을 허용한다", "REJECT: 거절하고, 거절했다는 오류 메시지를 보낸다",
            "DISCARD: 거절 메시지를 보내 보낸 사람이 거절된 것을 알게 한다", "OK: 다른 규칙이 거절하더라도 받아 준다"],
           "DISCARD는 받은 척(250)하고 조용히 버립니다. 보낸 쪽은 버려진 것을 모릅니다.",
           ["옳은 설명.", "옳은 설명: 550 ... Access denied.", "정답(옳지 않음): 알리는 것은 REJECT입니다.",
            "옳은 설명: 예를 들어 DNS 조회에 실패해도 받습니다."]),
          ("Which statement about the access file's policies is NOT true?",
           ["RELAY: allows sending on to other domains through this server", "REJECT: refuses and sends an error message",
            "DISCARD: sends a refusal, so the sender learns it was refused", "OK: accepts even if another rule would refuse"],
           "DISCARD pretends to accept (250) and silently drops the mail; the sender never knows.",
           ["True.", "True: 550 ... Access denied.", "Right (not true): telling the sender is REJECT.",
            "True: e.g. even when a DNS lookup fails."]), 2),
        q(("/etc/mail/access로 /etc/mail/access.db를 만드는 명령을 쓰세요.", [],
           "makemap hash /etc/mail/access < /etc/mail/access. makemap은 표준입력으로 텍스트를 읽고, 첫 인자에 .db를 붙인 파일을 만듭니다."),
          ("Write the command that builds /etc/mail/access.db from /etc/mail/access.", [],
           "makemap hash /etc/mail/access < /etc/mail/access: makemap reads the text on standard input and writes the first argument plus .db."),
         ["makemap hash /etc/mail/access < /etc/mail/access"]),
        q(("다음 access 파일(makemap 완료)에서 friend@spam.example.net이 alice@localhost에게 보낸 메일은 어떻게 될까요?\nFrom:spam.example.net      REJECT\nFrom:junk@example.org      DISCARD\nFrom:friend@spam.example.net   OK",
           ["받아서 alice에게 배달된다", "550으로 거절된다", "받은 척하고 버려진다", "큐에 들어가 5일 뒤 반송된다"],
           "주소 항목이 도메인 항목보다 구체적이므로 먼저 적용됩니다. friend 주소는 OK입니다.",
           ["정답: 주소 항목 OK가 도메인의 REJECT를 이깁니다.", "같은 도메인의 다른 주소(예: eve@)라면 REJECT로 거절됩니다.",
            "버리는 것은 junk@example.org의 DISCARD입니다.", "로컬 사용자에게 가는 메일이라 바로 배달됩니다."]),
          ("With this access file (makemap done), what happens to mail from friend@spam.example.net to alice@localhost?\nFrom:spam.example.net      REJECT\nFrom:junk@example.org      DISCARD\nFrom:friend@spam.example.net   OK",
           ["it is accepted and delivered to alice", "it is refused with 550", "it is accepted and dropped", "it is queued and returned after 5 days"],
           "The address entry is more specific than the domain entry, so it wins: friend's address is OK.",
           ["Right: the address's OK beats the domain's REJECT.", "Another address of that domain (e.g. eve@) would be refused by REJECT.",
            "Dropping is junk@example.org's DISCARD.", "It is for a local user: delivered at once."]), 0),
        q(("access 파일의 정책대상 앞에 붙이는 `Connect:`, `From:`, `To:`의 뜻으로 옳은 것은?",
           ["Connect: 받는 사람, From: 접속한 호스트, To: 보내는 사람", "Connect: 접속한 호스트, From: 보내는 사람, To: 받는 사람",
            "셋 다 같은 뜻이고 보기 좋게 붙인다", "Connect: DNS 서버, From: 메일 서버, To: MUA"],
           "Connect:는 접속해 온 호스트(IP, 이름), From:은 봉투의 보내는 사람(MAIL FROM), To:는 받는 사람(RCPT TO)에 적용됩니다.",
           ["뜻이 뒤섞였습니다.", "정답.", "붙이면 적용 범위가 좁혀집니다. 같은 뜻이 아닙니다.", "DNS 서버나 MUA와 관계없습니다."]),
          ("What do the `Connect:`, `From:` and `To:` prefixes of an access target mean?",
           ["Connect: the recipient, From: the connecting host, To: the sender", "Connect: the connecting host, From: the sender, To: the recipient",
            "all the same; they are decoration", "Connect: the DNS server, From: the mail server, To: the MUA"],
           "Connect: applies to the connecting host (IP, name), From: to the envelope sender (MAIL FROM), To: to the recipient (RCPT TO).",
           ["Mixed up.", "Right.", "They narrow where the entry applies; they differ.", "Nothing to do with DNS servers or MUAs."]), 1),
        q(("access.db를 makemap으로 다시 만든 뒤 바뀐 정책이 적용되려면?", ["sendmail을 다시 시작해야 한다", "newaliases도 실행해야 한다",
                                                                 "시스템을 재부팅해야 한다", "더 할 일 없이 바로 적용된다"],
           "sendmail은 메일을 받을 때마다 access.db를 찾아보므로 makemap만으로 적용됩니다. relay-domains(FR-o)는 다시 시작해야 읽습니다.",
           ["access.db는 재시작 없이 적용됩니다. 재시작이 필요한 것은 sendmail.cf, local-host-names, relay-domains입니다.",
            "newaliases는 별칭용입니다.", "재부팅은 필요 없습니다.", "정답."]),
          ("After rebuilding access.db with makemap, what else applies the new policy?", ["a sendmail restart", "newaliases as well",
                                                                                          "a reboot", "nothing: it applies at once"],
           "sendmail looks up access.db for every message, so makemap alone applies it; relay-domains (FR-o) needs a restart.",
           ["access.db applies without a restart; sendmail.cf, local-host-names and relay-domains need one.",
            "newaliases is for aliases.", "No reboot needed.", "Right."]), 3),
        q(("다른 컴퓨터(client.example.com)에서 바깥 주소로 보낸 메일에 서버가 `550 5.7.1 <dave@example.com>... Relaying denied`라고 답했습니다. 이를 허용하는 방법으로 알맞은 것은?",
           ["/etc/aliases에 dave를 추가하고 newaliases", "access에 `Connect:client.example.com RELAY`를 넣고 makemap",
            "O MaxMessageSize를 0으로", "local-host-names에 client.example.com을 한 줄 넣고 sendmail을 다시 시작한다"],
           "릴레이는 access의 RELAY(또는 relay-domains)로 허용합니다.",
           ["별칭은 이 서버의 주소를 다른 곳으로 돌릴 뿐 릴레이 허용이 아닙니다.", "정답.",
            "크기 제한과 관계없습니다.", "local-host-names는 이 서버가 받을 도메인입니다. 그 호스트를 자기 자신으로 여기게 될 뿐입니다."]),
          ("A message from another machine (client.example.com) to an outside address got `550 5.7.1 <dave@example.com>... Relaying denied`. How do you allow it?",
           ["add dave to /etc/aliases and run newaliases", "put `Connect:client.example.com RELAY` in access and run makemap",
            "set O MaxMessageSize to 0", "add a line client.example.com to local-host-names and restart sendmail"],
           "Relaying is allowed with access's RELAY (or relay-domains).",
           ["An alias redirects this server's own addresses; it allows no relaying.", "Right.",
            "Size has nothing to do with it.", "local-host-names lists domains this server receives for; it would take that host for itself."]), 1),
        q(("보내는 사람의 도메인이 spam.example.net인 메일을 거절하고 거절 메시지를 보내는 access 파일의 한 줄을 쓰세요.", [],
           "`From:spam.example.net REJECT`(대상과 정책 사이는 공백이나 탭). From:을 빼고 `spam.example.net REJECT`라고 써도 그 도메인에 적용됩니다. 조용히 버리려면 DISCARD입니다."),
          ("Write the access-file line that refuses, with an error message, mail whose sender's domain is spam.example.net.", [],
           "`From:spam.example.net REJECT` (spaces or a tab between target and policy). Without From:, `spam.example.net REJECT` applies to that domain too. Dropping silently is DISCARD."),
         ["From:spam.example.net REJECT", "spam.example.net REJECT"]),
        q(("spam.example.net에서 오는 메일을 “550 No spam please”라는 문구로 거절하는 access 줄은?",
           ["From:spam.example.net DISCARD", "From:spam.example.net OK",
            "From:spam.example.net ERROR:\"550 No spam please\"", "From:spam.example.net RELAY"],
           "ERROR:\"코드 문구\"로 원하는 코드와 문구를 돌려줄 수 있습니다.",
           ["DISCARD는 알리지 않고 버립니다.", "OK는 받아 줍니다.", "정답.", "RELAY는 릴레이를 허용합니다."]),
          ("Which access line refuses mail from spam.example.net with the words \"550 No spam please\"?",
           ["From:spam.example.net DISCARD", "From:spam.example.net OK",
            "From:spam.example.net ERROR:\"550 No spam please\"", "From:spam.example.net RELAY"],
           "ERROR:\"CODE TEXT\" returns the code and text you choose.",
           ["DISCARD drops silently.", "OK accepts.", "Right.", "RELAY allows relaying."]), 2),
        q(("relay-domains 파일(FR-o)에 example.com을 넣고 다시 시작했습니다. 옳은 것은?",
           ["example.com의 호스트는 어느 도메인으로든 릴레이할 수 있고, 어느 호스트든 example.com으로 가는 메일을 넘길 수 있다",
            "example.com의 호스트만 릴레이할 수 있고, 다른 호스트에서 example.com으로 가는 메일은 Relaying denied로 거절된다",
            "example.com 앞으로 온 메일을 이 서버의 계정에 배달한다",
            "makemap을 하기 전에는 적용되지 않는다"],
           "relay-domains는 두 방향 모두 허용합니다. 보내는 호스트가 그 도메인이거나, 받는 주소가 그 도메인이면 릴레이됩니다.",
           ["정답.", "받는 쪽도 허용됩니다.", "그것은 local-host-names(Cw)의 일입니다.", "relay-domains는 텍스트 그대로 읽습니다. 재시작으로 적용됩니다."]),
          ("You put example.com in the relay-domains file (FR-o) and restarted. Which is true?",
           ["example.com's hosts may relay to any domain, and any host may pass on mail to example.com",
            "only example.com's hosts may relay, and mail to example.com from any other host is refused with Relaying denied",
            "mail for example.com is delivered to this server's accounts",
            "it applies only after makemap"],
           "relay-domains allows both directions: relaying happens if the sending host or the recipient address is in that domain.",
           ["Right.", "The recipient side is allowed too.", "That is local-host-names' (Cw) job.", "relay-domains is read as plain text; a restart applies it."]), 0),
    ),
    end(),
]
