from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 06. /etc/aliases와 newaliases

    `/etc/aliases`는 **메일 별칭** 파일입니다. 어떤 이름으로 온 메일을 다른 계정(들)로 넘겨 줍니다.
    `webmaster`처럼 여러 사람이 함께 받아야 하는 주소에 주로 씁니다.

    ```
    이름: 받을곳, 받을곳, ...
    webmaster: ihduser, kaituser
    admin: :include:/etc/mail_admin
    ```

    - 받을 곳이 여럿이면 <strong>쉼표(,)</strong>로 구분합니다.
    - `:include:파일`은 받을 사람 목록을 다른 파일에서 읽습니다.
    - sendmail이 실제로 읽는 것은 텍스트 파일이 아니라 <strong>`/etc/aliases.db`</strong>입니다. 그래서 고친 뒤에는
      반드시 **`newaliases`**(또는 같은 일을 하는 **`sendmail -bi`**)로 .db를 다시 만들어야 합니다.

    > ✏️ 바로잡기: 정리 노트의 예 `webmaster: ihduser. kaituser`는 마침표가 아니라 **쉼표**입니다:
    > `webmaster: ihduser, kaituser`. 형식도 `[수신계정]:[전달계정]` 한 쌍이 아니라
    > `이름: 받을곳, 받을곳 ...`입니다.
    """, en="""
    # 06. /etc/aliases and newaliases

    `/etc/aliases` is the **mail alias** file: mail for a name is passed on to other account(s).
    It is mostly used for addresses several people share, like `webmaster`.

    ```
    name: target, target, ...
    webmaster: ihduser, kaituser
    admin: :include:/etc/mail_admin
    ```

    - Several targets are separated by **commas**.
    - `:include:FILE` reads the list of targets from another file.
    - sendmail does not read the text file but **`/etc/aliases.db`**. After a change, rebuild the
      .db with **`newaliases`** (or **`sendmail -bi`**, which does the same).

    > ✏️ Correction: the study note's example `webmaster: ihduser. kaituser` needs a **comma**, not a
    > period: `webmaster: ihduser, kaituser`. And an entry is `name: target, target ...`, not just
    > one `[recipient]:[target]` pair.
    """),
    start(),
    code("%tail -6 /etc/aliases", "seed:F03"),
    md(ko="""
    ## 별칭 추가하기
    `webmaster`는 두 사람에게, `admin`은 `/etc/mail_admin`에 적힌 사람들에게 가도록 합니다.
    """, en="""
    ## Add aliases
    `webmaster` goes to two people, `admin` to the people listed in `/etc/mail_admin`.
    """),
    code("""
    %%host
    echo "webmaster: ihduser, kaituser" >> /etc/aliases
    echo "admin: :include:/etc/mail_admin" >> /etc/aliases
    printf "alice\\nbob\\n" > /etc/mail_admin
    tail -2 /etc/aliases
    """, "seed:F03"),
    md(ko="""
    ## newaliases 전에는?
    텍스트 파일만 고쳤습니다. sendmail은 아직 `aliases.db`를 읽으므로 `webmaster`를 모릅니다.
    """, en="""
    ## Before newaliases
    Only the text file changed. sendmail still reads `aliases.db`, so it does not know `webmaster`.
    """),
    code('smtp_send("webmaster@localhost", subject="site down?")', "seed:F03", "seed:F08"),
    code("%newaliases", "seed:F03", "seed:F08"),
    code('smtp_send(["webmaster@localhost", "admin@localhost"], subject="site down?")', "seed:F03", "seed:F08"),
    code("%grep -c 'Subject: site down' /var/spool/mail/ihduser /var/spool/mail/kaituser /var/spool/mail/alice /var/spool/mail/bob",
         "seed:F03"),
    md(ko="""
    한 통이 네 사람에게 갔습니다. `newaliases` 대신 `sendmail -bi`를 써도 결과는 같습니다.
    """, en="""
    One message reached four people. `sendmail -bi` instead of `newaliases` does the same.
    """),
    code("%sendmail -bi", "seed:F03", "seed:K01"),
    md(ko="""
    `:include:` 파일은 메일을 배달할 때마다 읽으므로, 그 파일을 고칠 때는 newaliases가 필요 없습니다.
    아래 셀은 newaliases 없이 carol을 추가합니다.
    """, en="""
    An `:include:` file is read at each delivery, so changing it needs no newaliases. The cell
    below adds carol without running newaliases.
    """),
    code("""
    %%host
    echo carol >> /etc/mail_admin
    echo "disk full" | mail -s "disk" admin
    mail -H -u carol
    """, "seed:F03"),
    md(ko="""
    ## O AliasFile: 별칭 파일의 위치
    sendmail.cf의 `O AliasFile`이 어느 파일을 별칭 파일로 쓸지 정합니다. 새 파일을 가리키게 하면
    그 파일의 별칭만 쓰입니다(.db도 그 옆에 만들어짐).
    """, en="""
    ## O AliasFile: where the aliases are
    `O AliasFile` in sendmail.cf names the alias file. Point it at another file and only that
    file's aliases count (its .db is built next to it).
    """),
    code("""
    %%host
    grep '^O AliasFile' /etc/mail/sendmail.cf
    echo "sales: carol" > /etc/mail/aliases.shop
    """, "seed:O09"),
    code("""
    edit("/etc/mail/sendmail.cf", "O AliasFile=/etc/aliases", "O AliasFile=/etc/mail/aliases.shop")
    %newaliases
    %systemctl restart sendmail
    %ls /etc/mail/aliases.shop*
    """, "seed:O09"),
    code('smtp_send(["sales@localhost", "webmaster@localhost"], subject="which aliases?")', "seed:O09"),
    md(ko="""
    `sales`는 받고 `webmaster`는 모릅니다. 이제 별칭은 `/etc/mail/aliases.shop`에서만 옵니다.
    원래대로 되돌립니다.
    """, en="""
    `sales` is known, `webmaster` is not: aliases now come only from `/etc/mail/aliases.shop`.
    Put it back.
    """),
    code("""
    edit("/etc/mail/sendmail.cf", "O AliasFile=/etc/mail/aliases.shop", "O AliasFile=/etc/aliases")
    %systemctl restart sendmail
    """, "seed:O09"),
    md(ko="""
    ## 위젯으로 별칭 고치기
    ConfigEditor의 **aliases** 탭에서 파일을 고치고 Apply를 누르면, 위젯이 문법을 검사하고
    저장한 뒤 `newaliases`를 실행합니다. 아래 셀은 `support: alice, carol` 한 줄을 더합니다.
    위젯에서 직접 한 줄을 더 넣고 Apply를 눌러 보세요.
    """, en="""
    ## Edit aliases in the widget
    In ConfigEditor's **aliases** tab, edit the file and press Apply: the widget checks the syntax,
    saves, and runs `newaliases`. The cell below adds `support: alice, carol`;
    add another line yourself in the widget and press Apply.
    """),
    code("""
    editor = ConfigEditor(lang=LANG)
    text = editor.editors["/etc/aliases"]
    text.value += "support: alice, carol\\n"          #[ko] aliases 탭에 한 줄을 쓰는 것과 같음 #[en] what typing a line in the aliases tab does
    editor.apply_file("/etc/aliases")                   #[ko] Apply 단추를 누르는 것과 같음 #[en] what pressing Apply does
    print(editor.command_log.text)
    editor
    """, "seed:F03"),
    quiz(
        q(("/etc/aliases를 고친 뒤 실행해야 하는 명령을 모두 고르세요.", ["newaliases", "sendmail -bi", "sendmail -bp", "makemap hash /etc/aliases"],
           "newaliases와 sendmail -bi는 같은 일을 합니다. /etc/aliases.db를 다시 만듭니다.",
           ["맞는 보기: 별칭 DB를 다시 만듭니다.", "맞는 보기: newaliases와 같습니다.",
            "-bp는 메일 큐를 보여 줍니다(mailq).", "별칭 DB는 makemap이 아니라 newaliases로 만듭니다(형식도 `이름: 받을곳`이라 다름)."]),
          ("After editing /etc/aliases, which commands apply it? Choose all.", ["newaliases", "sendmail -bi", "sendmail -bp", "makemap hash /etc/aliases"],
           "newaliases and sendmail -bi do the same: rebuild /etc/aliases.db.",
           ["Right: it rebuilds the alias database.", "Right: the same as newaliases.",
            "-bp shows the mail queue (mailq).", "The alias database is built by newaliases, not makemap (its format, `name: target`, differs too)."]), [0, 1]),
        q(("webmaster로 온 메일을 ihduser와 kaituser 둘 다에게 보내는 올바른 줄은?",
           ["webmaster: ihduser. kaituser", "webmaster ihduser kaituser RELAY", "webmaster: ihduser, kaituser", "ihduser, kaituser: webmaster"],
           "`이름: 받을곳, 받을곳` 형식이고 받을 곳은 쉼표로 구분합니다.",
           ["마침표는 구분자가 아닙니다(정리 노트의 오타). ihduser.kaituser라는 이름 하나로 읽힙니다.",
            "access 파일의 형식과 섞였습니다. 별칭에는 콜론이 필요합니다.",
            "정답: webmaster: ihduser, kaituser.", "이름과 받을 곳이 뒤바뀌었습니다."]),
          ("Which line sends webmaster's mail to both ihduser and kaituser?",
           ["webmaster: ihduser. kaituser", "webmaster ihduser kaituser RELAY", "webmaster: ihduser, kaituser", "ihduser, kaituser: webmaster"],
           "`name: target, target`, targets separated by commas.",
           ["A dot is no separator (the note's typo); it reads as one name ihduser.kaituser.",
            "Mixed up with the access file's format; an alias needs the colon.",
            "Right: webmaster: ihduser, kaituser.", "Name and targets are swapped."]), 2),
        q(("받을 사람 목록을 다른 파일에서 읽게 하는 형식은?", ["include:/etc/mail_admin", ":include:/etc/mail_admin", "<include>/etc/mail_admin", "@/etc/mail_admin"],
           "앞뒤에 콜론이 붙은 :include: 입니다. 예: admin: :include:/etc/mail_admin",
           ["앞의 콜론이 빠졌습니다. include:라는 주소로 읽힙니다.", "정답: :include:파일.",
            "그런 형식은 없습니다.", "@는 주소의 도메인 앞에 붙을 뿐입니다."]),
          ("Which form reads the targets from another file?", ["include:/etc/mail_admin", ":include:/etc/mail_admin", "<include>/etc/mail_admin", "@/etc/mail_admin"],
           ":include: with both colons, e.g. admin: :include:/etc/mail_admin",
           ["The leading colon is missing: it reads as an address.", "Right: :include:FILE.",
            "No such form.", "@ only comes before a domain in an address."]), 1),
        q(("sendmail이 메일을 배달할 때 실제로 참조하는 별칭 파일은?", ["/etc/aliases", "/etc/mail/aliases", "~/.forward", "/etc/aliases.db"],
           "텍스트가 아니라 newaliases가 만든 /etc/aliases.db를 읽습니다.",
           ["텍스트 파일은 newaliases의 입력일 뿐입니다.", "CentOS의 별칭 파일은 /etc/aliases입니다.",
            ".forward는 사용자 개인의 전달 파일입니다.", "정답: /etc/aliases.db."]),
          ("Which alias file does sendmail actually read when delivering?", ["/etc/aliases", "/etc/mail/aliases", "~/.forward", "/etc/aliases.db"],
           "The /etc/aliases.db newaliases built, not the text.",
           ["The text is only newaliases' input.", "CentOS keeps aliases in /etc/aliases.",
            ".forward is a user's own forwarding file.", "Right: /etc/aliases.db."]), 3),
        q(("별칭 파일의 위치를 정하는 sendmail.cf 항목은?", ["O ForwardPath", "O AliasFile", "Kaccess", "Fw"],
           "O AliasFile=/etc/aliases가 기본입니다.",
           ["ForwardPath는 .forward 파일을 찾는 경로입니다.", "정답: O AliasFile.",
            "Kaccess는 access 맵 선언입니다.", "Fw는 받을 호스트 이름 목록 파일입니다."]),
          ("Which sendmail.cf item names the alias file?", ["O ForwardPath", "O AliasFile", "Kaccess", "Fw"],
           "The default is O AliasFile=/etc/aliases.",
           ["ForwardPath is where .forward files are looked for.", "Right: O AliasFile.",
            "Kaccess declares the access map.", "Fw is the file of names to receive for."]), 1),
        q(("/etc/aliases의 별칭을 적용하는 명령을 쓰세요(두 가지 중 하나).", [],
           "newaliases 또는 sendmail -bi. 둘 다 /etc/aliases.db를 다시 만듭니다."),
          ("Write a command that applies /etc/aliases (either of the two).", [],
           "newaliases or sendmail -bi; both rebuild /etc/aliases.db."),
         ["newaliases", "sendmail -bi"]),
        q(("별칭에 대한 설명으로 옳지 않은 것은?",
           ["한 이름이 여러 계정으로 갈 수 있다", "/etc/aliases를 고치고 newaliases를 하지 않으면 sendmail은 바뀐 것을 모른다",
            ":include:로 읽는 파일을 고칠 때마다 newaliases를 다시 실행해야 한다", "newaliases와 sendmail -bi는 같은 일을 한다"],
           ":include: 파일은 배달할 때마다 읽으므로 그 파일을 고칠 때는 newaliases가 필요 없습니다.",
           ["옳은 설명: 쉼표로 여럿을 적습니다.", "옳은 설명: sendmail은 aliases.db를 읽습니다.",
            "정답(옳지 않음): include 파일은 바로 적용됩니다. /etc/aliases 자체를 고쳤을 때만 newaliases가 필요합니다.",
            "옳은 설명: 둘 다 aliases.db를 만듭니다."]),
          ("Which statement about aliases is NOT true?",
           ["one name can go to several accounts", "after editing /etc/aliases without newaliases, sendmail does not know the change",
            "every change to a file read with :include: needs newaliases again", "newaliases and sendmail -bi do the same"],
           "An :include: file is read at every delivery, so changing it needs no newaliases.",
           ["True: several targets, comma separated.", "True: sendmail reads aliases.db.",
            "Right (not true): the included file applies at once; only /etc/aliases itself needs newaliases.",
            "True: both build aliases.db."]), 2),
        q(("다음 설정에서 staff@localhost로 온 메일을 받는 사람을 모두 고르세요.\n/etc/aliases:\nwebmaster: ihduser, kaituser\nadmin: :include:/etc/mail_admin\nstaff: webmaster, carol\n/etc/mail_admin:\nalice\nbob",
           ["ihduser", "kaituser", "carol", "alice", "bob"],
           "staff는 webmaster와 carol로 가고, webmaster는 다시 ihduser와 kaituser로 풀립니다. admin은 staff에 없습니다.",
           ["맞는 보기: webmaster를 거쳐 받습니다.", "맞는 보기: webmaster를 거쳐 받습니다.", "맞는 보기: staff에 직접 있습니다.",
            "alice는 admin(:include:)의 목록입니다. staff와 관계없습니다.", "bob도 admin의 목록일 뿐입니다."]),
          ("With this configuration, who receives mail sent to staff@localhost? Choose all.\n/etc/aliases:\nwebmaster: ihduser, kaituser\nadmin: :include:/etc/mail_admin\nstaff: webmaster, carol\n/etc/mail_admin:\nalice\nbob",
           ["ihduser", "kaituser", "carol", "alice", "bob"],
           "staff goes to webmaster and carol, and webmaster expands to ihduser and kaituser; admin is not part of staff.",
           ["Right: through webmaster.", "Right: through webmaster.", "Right: named in staff.",
            "alice is on admin's (:include:) list, not staff's.", "bob is on admin's list only."]), [0, 1, 2]),
        q(("`/etc/aliases`에 `webmaster: ihduser, kaituser`를 넣고 newaliases 없이 webmaster@localhost로 보냈습니다(webmaster라는 계정은 없음). RCPT TO의 응답은?",
           ["550 5.1.1 <webmaster@localhost>... User unknown", "250 2.1.5 <webmaster@localhost>... Recipient ok",
            "354 Enter mail", "553 5.1.8 Domain of sender address does not exist"],
           "sendmail은 아직 예전 aliases.db를 읽으므로 webmaster를 모릅니다.",
           ["정답: 별칭도 계정도 없으므로 User unknown.", "newaliases 뒤라면 250으로 받습니다.",
            "354는 DATA에 대한 응답입니다.", "553은 보내는 사람 주소의 도메인이 없을 때입니다."]),
          ("You add `webmaster: ihduser, kaituser` to `/etc/aliases` and, without newaliases, send to webmaster@localhost (no account webmaster). What does RCPT TO get?",
           ["550 5.1.1 <webmaster@localhost>... User unknown", "250 2.1.5 <webmaster@localhost>... Recipient ok",
            "354 Enter mail", "553 5.1.8 Domain of sender address does not exist"],
           "sendmail still reads the old aliases.db, so it does not know webmaster.",
           ["Right: neither an alias nor an account: User unknown.", "After newaliases it would get 250.",
            "354 answers DATA.", "553 is about a sender domain that does not exist."]), 0),
        q(("빈칸에 알맞은 것은?\nadmin 앞으로 온 메일을 /etc/mail_admin에 적힌 사람들에게 보내려면 /etc/aliases에 `admin: ( ㉠ )`을 적는다.",
           ["/etc/mail_admin", "|/etc/mail_admin", ":include:/etc/mail_admin", "<file>/etc/mail_admin"],
           "파일에 적힌 목록을 받을 곳으로 쓰는 것은 :include:입니다.",
           ["/로 시작하면 그 파일에 메일을 덧붙여 저장합니다(파일 배달).", "|는 그 프로그램에 메일을 넘겨 실행합니다.",
            "정답: :include:/etc/mail_admin.", "그런 형식은 없습니다."]),
          ("Fill the blank:\nTo send admin's mail to the people listed in /etc/mail_admin, /etc/aliases says `admin: ( A )`.",
           ["/etc/mail_admin", "|/etc/mail_admin", ":include:/etc/mail_admin", "<file>/etc/mail_admin"],
           "Using the list in a file as targets is :include:.",
           ["A target starting with / appends the mail to that file (delivery to a file).",
            "| pipes the mail to that program and runs it.", "Right: :include:/etc/mail_admin.", "No such form."]), 2),
        q(("newaliases가 하는 일로 알맞은 것은?", ["메일 큐를 지금 처리한다", "/etc/aliases를 읽어 /etc/aliases.db를 만든다",
                                             "access 맵을 다시 만든다", "/etc/mail/sendmail.mc를 읽어 /etc/mail/sendmail.cf를 만든다"],
           "newaliases(= sendmail -bi)는 별칭 텍스트로 sendmail이 읽는 DB를 만듭니다.",
           ["큐 처리는 sendmail -q입니다.", "정답.", "access 맵은 makemap hash로 만듭니다.", ".cf는 m4로 만듭니다."]),
          ("What does newaliases do?", ["runs the mail queue now", "reads /etc/aliases and builds /etc/aliases.db",
                                       "rebuilds the access map", "reads /etc/mail/sendmail.mc and builds /etc/mail/sendmail.cf"],
           "newaliases (= sendmail -bi) builds the database sendmail reads from the alias text.",
           ["Running the queue is sendmail -q.", "Right.", "The access map is built by makemap hash.", "The .cf is built by m4."]), 1),
    ),
    end(),
]
